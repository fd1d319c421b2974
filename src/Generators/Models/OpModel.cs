using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Models;

/// <summary>The types an op attribute can have, each with its <c>OpAttributes</c> reader and writer.</summary>
internal enum OpAttrKind
{
    /// <summary><c>bool</c>: <c>GetBool</c>.</summary>
    Bool,
    /// <summary><c>int</c>: <c>GetInt</c>, written as a 64-bit integer.</summary>
    Int,
    /// <summary><c>int?</c>: <c>GetIntOrNull</c>.</summary>
    NullableInt,
    /// <summary><c>double</c>: <c>GetDouble</c>.</summary>
    Double,
    /// <summary><c>string</c>: <c>GetString</c>.</summary>
    String,
    /// <summary><c>DType</c>: <c>GetDType</c>, written as its name.</summary>
    DType,
    /// <summary><c>Shape</c>: <c>GetShape</c>.</summary>
    Shape,
    /// <summary><c>int[]</c>: <c>GetInts</c>.</summary>
    Ints,
    /// <summary><c>int[]?</c>: <c>GetIntsOrNull</c>.</summary>
    NullableInts,
    /// <summary>The <c>[OpName]</c> parameter: receives the op name; not an attribute.</summary>
    OpName,
}

/// <summary>One parameter of the op's constructor (or factory), in order.</summary>
/// <param name="Kind">Its type.</param>
/// <param name="AttributeName">The attribute name graph files use (empty for <see cref="OpAttrKind.OpName"/>).</param>
/// <param name="Property">The property that reads the value back (empty for <see cref="OpAttrKind.OpName"/>).</param>
/// <param name="NullText">What the description shows for null, or null to leave a null attribute out.</param>
internal sealed record OpParameter(OpAttrKind Kind, string AttributeName, string Property, string? NullText);

/// <summary>Everything the emitter needs to write one op class's generated part.</summary>
/// <param name="Hierarchy">Namespace, containing types and file hint.</param>
/// <param name="ClassName">The class name (a C# identifier).</param>
/// <param name="Names">The op names, in the order of the <c>[Op]</c> attributes.</param>
/// <param name="Factory">What <c>Create</c> calls with the arguments: <c>new global::N.C</c> or a static method's name; or the field returned when there are no arguments (<c>Instance</c>).</param>
/// <param name="FactoryIsInstance">Whether <see cref="Factory"/> is a shared instance returned as is.</param>
/// <param name="Parameters">The factory's parameters, in order.</param>
/// <param name="EmitName">Whether to write <c>Name</c> (one name, not written by hand).</param>
/// <param name="EmitCreate">False when <c>Create(OpAttributes)</c> is written by hand.</param>
/// <param name="EmitWriteAttributes">False when <c>WriteAttributes</c> is written by hand, or there are no attributes.</param>
/// <param name="EmitDescribeAttributes">False when <c>DescribeAttributes</c> is written by hand (here or in a base op), or there are no attributes.</param>
/// <param name="EmitRegistration">Whether a <c>[ModuleInitializer]</c> registers the op (not for generic or inaccessible classes).</param>
internal sealed record OpModel(
    HierarchyInfo Hierarchy,
    string ClassName,
    EquatableArray<string> Names,
    string Factory,
    bool FactoryIsInstance,
    EquatableArray<OpParameter> Parameters,
    bool EmitName,
    bool EmitCreate,
    bool EmitWriteAttributes,
    bool EmitDescribeAttributes,
    bool EmitRegistration)
{
    /// <summary>The hint name of the generated file: <c>{Namespace.}{MetadataName}.Op.g.cs</c>.</summary>
    public string HintName => Hierarchy.FileHint + ".Op.g.cs";
}

using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Models;

/// <summary>What a tracked member (or an element of one) holds.</summary>
internal enum TrackedKind
{
    /// <summary>A <c>Variable</c> (or a subclass).</summary>
    Variable,

    /// <summary>A module (a <c>Module</c> subclass, or a type marked <c>[Module]</c>/<c>[Layer]</c>).</summary>
    Module,

    /// <summary>A one-dimensional array: <c>Length</c> and an indexer.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>: <c>Count</c> and an indexer.</summary>
    List,

    /// <summary><c>ImmutableArray&lt;T&gt;</c>: a struct, <c>IsDefault</c> instead of null, <c>Length</c>.</summary>
    ImmutableArray,

    /// <summary>A dictionary keyed by <c>string</c>: enumerated, the key goes into the path.</summary>
    Dictionary,
}

/// <summary>The shape of a tracked value: a variable, a module, or a collection of tracked values.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Element">For collections, what the elements are; null otherwise.</param>
internal sealed record TrackedType(TrackedKind Kind, TrackedType? Element)
{
    public static readonly TrackedType Variable = new(TrackedKind.Variable, null);
    public static readonly TrackedType Module = new(TrackedKind.Module, null);
}

/// <summary>A field or auto-property the generated <c>VisitMembers</c> reports.</summary>
/// <param name="Access">The C# expression that reads it (<c>this.w</c>, <c>this.@class</c>).</param>
/// <param name="Path">Its path segment (<c>dense_layers</c>, or the <c>[TrackAs]</c> name).</param>
/// <param name="Type">What it holds.</param>
/// <param name="IsObsolete">Whether the member is <c>[Obsolete]</c> (its read is wrapped in <c>#pragma warning disable CS0612, CS0618</c>).</param>
internal sealed record TrackedMember(string Access, string Path, TrackedType Type, bool IsObsolete = false);

/// <summary>Everything the emitter needs to write one <c>[Module]</c> class's generated part.</summary>
/// <param name="Hierarchy">Namespace, containing types and file hint.</param>
/// <param name="Keyword">Always <c>class</c> today (records and structs are rejected by the parser).</param>
/// <param name="NameWithTypeParameters">The class name as declared, e.g. <c>Wrapper&lt;T&gt;</c>.</param>
/// <param name="DefaultName">The class name in snake_case, the module's default <c>Name</c>.</param>
/// <param name="SupplyBase">Whether the generated part adds <c>: global::LayerGen.Module</c>.</param>
/// <param name="EmitDefaultName">False when the user wrote <c>DefaultName</c> themselves.</param>
/// <param name="VisitMembersIsProtectedInternal">
/// Whether the override keeps <c>protected internal</c> (only when <c>Module</c> is in the same assembly;
/// across assemblies C# requires <c>protected</c>).
/// </param>
/// <param name="Members">Tracked members in declaration order.</param>
internal sealed record ModuleModel(
    HierarchyInfo Hierarchy,
    string Keyword,
    string NameWithTypeParameters,
    string DefaultName,
    bool SupplyBase,
    bool EmitDefaultName,
    bool VisitMembersIsProtectedInternal,
    EquatableArray<TrackedMember> Members)
{
    /// <summary>The hint name of the generated file: <c>{Namespace.}{MetadataName}.Module.g.cs</c>.</summary>
    public string HintName => Hierarchy.FileHint + ".Module.g.cs";
}

using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Models;

/// <summary>Everything the emitter needs to write one <c>[KerasSerializable]</c> class's generated part.</summary>
/// <param name="Hierarchy">Namespace, containing types and file hint.</param>
/// <param name="NameWithTypeParameters">The class name as declared.</param>
/// <param name="TypeName">The simple C# class name (names the registration method).</param>
/// <param name="ClassName">Keras's <c>class_name</c>: the attribute's <c>ClassName</c>, else the C# class name.</param>
/// <param name="RegisteredName"><c>{Package}&gt;{ClassName}</c>.</param>
/// <param name="Kind">The <c>global::</c> name of the kind's base class (<c>Loss</c>, <c>Optimizer</c>, ...): the registry's type argument.</param>
/// <param name="Aliases">Keras's string identifiers declared on the attribute (<c>"mse"</c>, <c>"adam"</c>), in order.</param>
/// <param name="EmitClassName">False when the user wrote <c>ClassName</c>.</param>
/// <param name="EmitRegisteredName">False when the user wrote <c>RegisteredName</c>.</param>
/// <param name="PrepareConfig">Whether the kind's base class has a static <c>PrepareConfig(JsonObject, string)</c> that <c>FromConfig</c> calls first.</param>
/// <param name="Config">The config, or null when a constructor argument cannot be kept (no <c>GetConfig</c>/<c>FromConfig</c>/registration).</param>
internal sealed record KerasObjectModel(
    HierarchyInfo Hierarchy,
    string NameWithTypeParameters,
    string TypeName,
    string ClassName,
    string RegisteredName,
    string Kind,
    EquatableArray<string> Aliases,
    bool EmitClassName,
    bool EmitRegisteredName,
    bool PrepareConfig,
    ConfigInfo? Config)
{
    /// <summary>The hint name of the generated file: <c>{Namespace.}{MetadataName}.KerasObject.g.cs</c>.</summary>
    public string HintName => Hierarchy.FileHint + ".KerasObject.g.cs";
}

using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Models;

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
/// <param name="SupplyBase">Whether the generated part adds <c>: global::LayerGen.Modules.Module</c>.</param>
/// <param name="EmitDefaultName">False when the user wrote <c>DefaultName</c> themselves.</param>
/// <param name="VisitMembersIsProtectedInternal">
/// Whether the override keeps <c>protected internal</c> (only when <c>Module</c> is in the same assembly;
/// across assemblies C# requires <c>protected</c>).
/// </param>
/// <param name="Members">Tracked members in declaration order.</param>
/// <param name="CallsBaseVisitMembers">
/// False when the class derives from <c>Module</c> itself (named or supplied), whose <c>VisitMembers</c> reports
/// nothing: the generated override then does not call it (issue 23: one line and one call less per module).
/// </param>
internal sealed record ModuleModel(
    HierarchyInfo Hierarchy,
    string Keyword,
    string NameWithTypeParameters,
    string DefaultName,
    bool SupplyBase,
    bool EmitDefaultName,
    bool VisitMembersIsProtectedInternal,
    EquatableArray<TrackedMember> Members,
    bool CallsBaseVisitMembers = true)
{
    /// <summary>The hint name of the generated file: <c>{Namespace.}{MetadataName}.Module.g.cs</c>.</summary>
    public string HintName => Hierarchy.FileHint + ".Module.g.cs";
}

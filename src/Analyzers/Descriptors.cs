using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Analyzers;

/// <summary>
/// Every diagnostic LayerGen reports, in one table. Ids are stable and never reused; each rule has a page
/// <c>docs/diagnostics/{id}.md</c>, a line in <c>AnalyzerReleases.Unshipped.md</c> and tests.
/// </summary>
internal static class Descriptors
{
    private const string Usage = "LayerGen.Usage";
    private const string Design = "LayerGen.Design";

    /// <summary>
    /// The rule's page, <c>docs/diagnostics/{id}.md</c>: a path relative to the LayerGen package (which carries the
    /// pages there, next to <c>analyzers/</c>) and equally to the repository root. LayerGen has no public web site,
    /// so an absolute URL would point at nothing; this path names a page every user has on disk.
    /// </summary>
    public static string HelpLink(string id) => $"docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Rule(string id, string title, string message, string category, DiagnosticSeverity severity, string description)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLink(id));

    public static readonly DiagnosticDescriptor VariableOutsideBuild = Rule(
        DiagnosticIds.VariableOutsideBuild,
        "Create a layer's variables in Build",
        "Layer '{0}' creates a variable in {1}; create it in Build, from the input shape",
        Usage, DiagnosticSeverity.Warning,
        "A [Layer] creates its variables in Build, which runs once with the shape of the first input. Variables created in the constructor or an initializer fix the input size up front; created in Call or another method, they are made again or missed by the build.");

    public static readonly DiagnosticDescriptor NotPartial = Rule(
        DiagnosticIds.NotPartial,
        "A [Module]/[Layer]/[KerasSerializable] class and the types containing it must be partial",
        "'{0}' must be partial: the LayerGen generator adds the other part of {1}",
        Design, DiagnosticSeverity.Error,
        "The generator writes the tracking, entry point and config code in another part of the class; without 'partial' (on the class and every type it is nested in) it writes nothing.");

    public static readonly DiagnosticDescriptor ParameterNotKept = Rule(
        DiagnosticIds.ParameterNotKept,
        "Keep each constructor parameter of a layer or [KerasSerializable] class in a member of the same name",
        "Constructor parameter '{0}' of '{1}' is not kept in a field or property of the same name, so its GetConfig throws and it cannot be saved",
        Design, DiagnosticSeverity.Warning,
        "The generated GetConfig reads each constructor argument back from the field or property of the same name (case, underscores and an m_ prefix ignored), of a type convertible to the parameter's.");

    public static readonly DiagnosticDescriptor ParameterNotConfigurable = Rule(
        DiagnosticIds.ParameterNotConfigurable,
        "A layer's or [KerasSerializable] class's constructor parameter must have a type a config can hold",
        "Constructor parameter '{0}' of '{1}' has type '{2}', which cannot go into a config; use one of: {3}",
        Design, DiagnosticSeverity.Error,
        "A layer's config is JSON that a model file stores and FromConfig reads back; a delegate, a stream or an arbitrary object cannot be written there.");

    public static readonly DiagnosticDescriptor InvalidCall = Rule(
        DiagnosticIds.InvalidCall,
        "A layer has one Call returning a tensor or tensors",
        "Layer '{0}' {1}",
        Design, DiagnosticSeverity.Error,
        "The generated Invoke follows the signature of the layer's Call: there must be exactly one, returning Tensor or Tensor[], with no ref, out or params parameters.");

    public static readonly DiagnosticDescriptor BuildMismatch = Rule(
        DiagnosticIds.BuildMismatch,
        "Build takes one Shape per tensor parameter of Call",
        "Build of layer '{0}' must be 'void Build({1})' to match Call's tensor parameters; this one is not called",
        Design, DiagnosticSeverity.Error,
        "The generated Invoke calls Build once with the shape of each tensor argument of Call, in order; a Build with another signature is never called.");

    public static readonly DiagnosticDescriptor UntrackableMember = Rule(
        DiagnosticIds.UntrackableMember,
        "Hold variables and modules in a form the generator can track",
        "Member '{0}' of '{1}' holds variables or modules as '{2}', which the generator cannot track: they will not be saved or trained",
        Usage, DiagnosticSeverity.Warning,
        "Tracked members are variables, modules, and arrays, List<T>, IList<T>, IReadOnlyList<T>, ImmutableArray<T> and string-keyed dictionaries of them. A tuple, another collection or an object field hides its variables from Variables, checkpoints and optimizers.");

    public static readonly DiagnosticDescriptor DirectCall = Rule(
        DiagnosticIds.DirectCall,
        "Call a layer through Invoke",
        "'{0}.Call' is called directly, skipping build, input checks and bookkeeping; call Invoke",
        Usage, DiagnosticSeverity.Warning,
        "A layer's Call is the body of the computation; the generated Invoke builds the layer once, checks the inputs, sets the training flag and name scope and records the call for functional models.");

    public static readonly DiagnosticDescriptor AddWeightOutsideBuild = Rule(
        DiagnosticIds.AddWeightOutsideBuild,
        "Call AddWeight in Build",
        "Layer '{0}' calls AddWeight in {1}; once the layer is built AddWeight throws, so call it in Build",
        Usage, DiagnosticSeverity.Warning,
        "After Build the layer's state is locked and AddWeight throws (Keras: 'You cannot add new elements of state'); in Call or another method it runs after the build.");

    public static readonly DiagnosticDescriptor NotAClass = Rule(
        DiagnosticIds.NotAClass,
        "[Module], [Layer] and [KerasSerializable] go on ordinary classes",
        "'{0}' is {1}; the generator only extends a non-static, non-record class, so [{2}] does nothing here",
        Design, DiagnosticSeverity.Warning,
        "Modules and layers are reference types deriving from LayerGen.Modules.Module; the generator skips structs, records, static and file-local classes.");

    public static readonly DiagnosticDescriptor WrongBase = Rule(
        DiagnosticIds.WrongBase,
        "A [Module] derives from a module, a [Layer] from a layer, a [KerasSerializable] class from a Keras object kind",
        "'{0}' derives from '{1}', which is not a {2}; the generator writes nothing for it",
        Design, DiagnosticSeverity.Error,
        "The generator supplies the base class (Module or Layer) when the class names none; a named base must be a module (for [Module]) or a layer (for [Layer]).");

    public static readonly DiagnosticDescriptor ModuleAndLayer = Rule(
        DiagnosticIds.ModuleAndLayer,
        "Use [Layer] or [Module], not both",
        "'{0}' is marked both [Module] and [Layer]; a layer is already a module, remove [Module]",
        Design, DiagnosticSeverity.Warning,
        "A [Layer] gets everything a [Module] gets; the module generator skips a class that is also a [Layer].");

    public static readonly DiagnosticDescriptor NoConfigConstructor = Rule(
        DiagnosticIds.NoConfigConstructor,
        "Mark the constructor a layer's or [KerasSerializable] class's config is made from",
        "'{0}' has {1} public constructors and none is marked [ConfigConstructor], so no config is generated",
        Design, DiagnosticSeverity.Warning,
        "GetConfig and FromConfig follow one constructor: the one marked [ConfigConstructor], else the only public one. With several public constructors and no mark, the layer cannot be saved and loaded.");

    public static readonly DiagnosticDescriptor UnmarkedLayer = Rule(
        DiagnosticIds.UnmarkedLayer,
        "Mark a class deriving from Model or a layer [Layer]",
        "'{0}' derives from '{1}' but is not marked [Layer], so {2}; mark it [Layer] (and partial)",
        Design, DiagnosticSeverity.Warning,
        "Tracking (VisitMembers), the Invoke entry point around Call and the config are generated for [Layer] classes only. A subclass of Model or of a layer without the attribute has untracked variables and layers (not trained, not saved), and a Model subclass's Call is never run.");
}

using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Models;

/// <summary>The role of one parameter of the user's <c>Call</c>.</summary>
internal enum CallParameterKind
{
    /// <summary>A tensor input: built from, checked against the input spec, recorded in <c>CallArguments.Tensors</c>.</summary>
    Tensor,

    /// <summary>
    /// A list of tensors (<c>Tensor[]</c> or <c>IReadOnlyList&lt;Tensor&gt;</c>, Keras's <c>call(inputs)</c> over a list):
    /// the only tensor input; built from one shape per tensor (<c>Build(Shape[])</c>), each tensor checked against its
    /// input spec, recorded as a list (<c>CallArguments.IsList</c>).
    /// </summary>
    TensorList,

    /// <summary><c>bool training</c>: <c>bool? training = null</c> on <c>Invoke</c>, resolved by <c>EnterCall</c>.</summary>
    Training,

    /// <summary><c>Tensor? mask</c>: passed through, recorded in <c>CallArguments.Mask</c>.</summary>
    Mask,

    /// <summary>Any other argument: copied with its default, recorded in <c>CallArguments.Other</c>.</summary>
    Other,
}

/// <summary>One parameter of the generated <c>Invoke</c> (one per parameter of the user's <c>Call</c>, in order).</summary>
/// <param name="Kind">Its role.</param>
/// <param name="Name">The parameter name as a C# identifier (<c>@</c> before keywords).</param>
/// <param name="Type">Its type on <c>Invoke</c>, <c>global::</c>-qualified with nullable annotations (<c>bool?</c> for training).</param>
/// <param name="DefaultValue">Its default on <c>Invoke</c> as a C# expression, or null for none.</param>
/// <param name="Key">
/// For <see cref="CallParameterKind.Other"/>, the key in <c>CallArguments.Other</c> (snake_case, as Keras names
/// call arguments); for <see cref="CallParameterKind.Tensor"/>, the key of its shape in a <c>shapes_dict</c>
/// build config; empty otherwise.
/// </param>
internal sealed record CallParameter(CallParameterKind Kind, string Name, string Type, string? DefaultValue, string Key);

/// <summary>What the generated <c>Invoke</c>/<c>InvokeRecorded</c> need from the user's <c>Call</c> and <c>Build</c>.</summary>
/// <param name="Parameters">The parameters of <c>Call</c>, in order.</param>
/// <param name="ReturnsArray">Whether <c>Call</c> returns <c>Tensor[]</c> (else <c>Tensor</c>).</param>
/// <param name="TrainingDefault">The default of <c>Call</c>'s <c>training</c> (false when it has none or takes none).</param>
/// <param name="HasBuild">Whether a <c>Build(Shape ...)</c> taking one shape per tensor input exists.</param>
/// <param name="InvokeIsNew">Whether a base class already has an <c>Invoke</c> with these parameter types (the generated one says <c>new</c>).</param>
/// <param name="EmitInvoke">False when the user wrote an <c>Invoke</c> method with the same parameter types.</param>
/// <param name="EmitInvokeRecorded">False when the user wrote <c>InvokeRecorded</c>.</param>
/// <param name="InvokeAccess">
/// The accessibility of the generated <c>Invoke</c>: <c>public</c>, or less when a parameter's type is less accessible
/// (a private enum for an option of <c>Call</c>), so the generated part compiles (no CS0051).
/// </param>
internal sealed record CallInfo(
    EquatableArray<CallParameter> Parameters,
    bool ReturnsArray,
    bool TrainingDefault,
    bool HasBuild,
    bool InvokeIsNew,
    bool EmitInvoke,
    bool EmitInvokeRecorded,
    string InvokeAccess = "public")
{
    /// <summary>Whether the build config is a <c>shapes_dict</c> keyed by the tensors' names: several tensor arguments (or none), not a list.</summary>
    public bool NeedsShapesDict
        => !Parameters.Any(p => p.Kind == CallParameterKind.TensorList)
           && Parameters.Count(p => p.Kind == CallParameterKind.Tensor) != 1;
}

/// <summary>One constructor parameter of the config constructor, with the member it is read back from.</summary>
/// <param name="Name">The parameter name as a C# identifier (used as a named argument).</param>
/// <param name="Key">The config key: the parameter name in snake_case.</param>
/// <param name="Member">The expression that reads the value back (<c>this.outFeatures</c>).</param>
/// <param name="Kind">What the value is (<see cref="ConfigTypes.Classify"/>).</param>
/// <param name="Container">One value or a list.</param>
/// <param name="IsNullable">Whether the parameter (the list itself, for lists) may be null.</param>
/// <param name="ElementType">The <c>global::</c> name of the enum or layer type, for the generic helpers; empty otherwise.</param>
/// <param name="DefaultValue">The parameter's default as a C# expression, or null when it has none.</param>
/// <param name="WrittenByBase">
/// Whether the value is read back from a member of <c>LayerGen.Layers.Layer</c> itself (<c>ActivityRegularizer</c>,
/// <c>DType</c>, ...): <c>base.GetConfig()</c> writes it, so the generated <c>GetConfig</c> does not.
/// </param>
internal sealed record ConfigParameter(
    string Name,
    string Key,
    string Member,
    ConfigValueKind Kind,
    ConfigContainer Container,
    bool IsNullable,
    string ElementType,
    string? DefaultValue,
    bool WrittenByBase = false);

/// <summary>The generated <c>GetConfig</c>/<c>FromConfig</c>/registration, from the config constructor.</summary>
/// <param name="Parameters">The constructor's parameters, in order.</param>
/// <param name="EmitGetConfig">False when the user wrote <c>GetConfig</c>.</param>
/// <param name="EmitFromConfig">False when the user wrote <c>FromConfig</c>.</param>
/// <param name="FromConfigIsNew">Whether a base class has a static <c>FromConfig</c> too (the generated one says <c>new</c>).</param>
/// <param name="EmitRegistration">Whether a <c>[ModuleInitializer]</c> registers the class (not for generic or inaccessible classes).</param>
/// <param name="NotKept">
/// The constructor parameters no member keeps (LG0003, a warning): when not empty, <see cref="Parameters"/> is empty and
/// the generated <c>GetConfig</c> throws a <c>ConfigException</c> naming them, so saving fails with that message.
/// </param>
internal sealed record ConfigInfo(
    EquatableArray<ConfigParameter> Parameters,
    bool EmitGetConfig,
    bool EmitFromConfig,
    bool FromConfigIsNew,
    bool EmitRegistration,
    EquatableArray<string> NotKept = default);

/// <summary>Everything the emitter needs to write one <c>[Layer]</c> class's generated part.</summary>
/// <param name="Hierarchy">Namespace, containing types and file hint.</param>
/// <param name="NameWithTypeParameters">The class name as declared, e.g. <c>Wrapper&lt;T&gt;</c>.</param>
/// <param name="FullName">The class, <c>global::</c>-qualified with its type parameters (the registration list names it).</param>
/// <param name="ClassName">The simple class name (Keras's <c>class_name</c>; used in config error messages).</param>
/// <param name="DefaultName">The class name in snake_case, the layer's default name.</param>
/// <param name="RegisteredName"><c>{Package}&gt;{ClassName}</c>.</param>
/// <param name="SupplyBase">Whether the generated part adds <c>: global::LayerGen.Layers.Layer</c>.</param>
/// <param name="EmitDefaultName">False when the user wrote <c>DefaultName</c>.</param>
/// <param name="EmitRegisteredName">
/// False when the user wrote <c>RegisteredName</c>, or when the runtime's answers it (<see cref="InRegistrationList"/>
/// and no base but <c>Layer</c> that could override it).
/// </param>
/// <param name="EmitVisitMembers">False when the user wrote <c>VisitMembers</c>.</param>
/// <param name="InsideLayerGen">
/// Whether the class is in the LayerGen assembly itself: <c>protected internal</c> members are overridden
/// <c>protected internal</c> there and <c>protected</c> elsewhere.
/// </param>
/// <param name="Members">Tracked members in declaration order.</param>
/// <param name="Call">The call entry point, or null when there is no usable <c>Call</c> (no <c>Invoke</c> is generated).</param>
/// <param name="Config">The config, or null when a constructor argument cannot be written (no <c>GetConfig</c>/<c>FromConfig</c>/registration).</param>
/// <param name="BaseMayOverrideInvokeRecorded">
/// Whether a base class between the class and <c>Layer</c> declares <c>InvokeRecorded</c> or <c>BuildConfigFor</c> or may
/// get them from its generated part (any base in source): the class then keeps a generated <c>InvokeRecorded</c> and
/// <c>BuildConfigFor</c> (see <see cref="RuntimeReplays"/>).
/// </param>
/// <param name="StubInvokeRecorded">
/// Whether the class has no usable <c>Call</c> (LG0005) and inherits no <c>InvokeRecorded</c>: the generated part
/// then implements the abstract <c>InvokeRecorded</c> with one that throws, so the project still compiles and the
/// analyzer's diagnostic is what the user sees.
/// </param>
internal sealed record LayerModel(
    HierarchyInfo Hierarchy,
    string NameWithTypeParameters,
    string FullName,
    string ClassName,
    string DefaultName,
    string RegisteredName,
    bool SupplyBase,
    bool EmitDefaultName,
    bool EmitRegisteredName,
    bool EmitVisitMembers,
    bool InsideLayerGen,
    EquatableArray<TrackedMember> Members,
    CallInfo? Call,
    ConfigInfo? Config,
    bool StubInvokeRecorded = false,
    bool BaseMayOverrideInvokeRecorded = false)
{
    /// <summary>
    /// Whether the assembly's registration list (<c>LayerRegistrationEmitter</c>) registers the class: one with a generated
    /// <c>FromConfig</c> that can be registered (not generic, reachable from a top-level class).
    /// </summary>
    public bool InRegistrationList => Config is { EmitRegistration: true, EmitFromConfig: true, NotKept.IsEmpty: true };

    /// <summary>
    /// Whether <c>Layer.InvokeRecorded</c>, the runtime's default, replays the class's recorded calls (issue 23): the class is
    /// in the registration list, which gives the runtime its <c>Call</c>'s signature (<see cref="CallSignature"/>), its
    /// <c>Call</c> takes only tensors, a list of tensors, <c>mask</c> and <c>training</c>, it has its generated <c>Invoke</c>
    /// and no <c>InvokeRecorded</c> of its own, and no base may override <c>InvokeRecorded</c> or <c>BuildConfigFor</c>. The
    /// runtime's <c>Layer.BuildConfigFor</c> then also writes the <c>shapes_dict</c> of several tensors. Otherwise the
    /// generated part writes <c>InvokeRecorded</c> (calling <c>Invoke</c>) and, for several tensors, <c>BuildConfigFor</c>.
    /// </summary>
    public bool RuntimeReplays => InRegistrationList && !BaseMayOverrideInvokeRecorded
        && Call is { EmitInvoke: true, EmitInvokeRecorded: true } call
        && call.Parameters.All(p => p.Kind != CallParameterKind.Other);

    /// <summary>
    /// The arguments of the runtime's <c>CallSignature</c> for the class's <c>Call</c> by name: <c>Tensors</c>, then only
    /// those that differ from their defaults (<c>Tensors: 2</c>, <c>Tensors: 1, Training: true</c>), when
    /// <see cref="RuntimeReplays"/>; null otherwise.
    /// </summary>
    public string? CallSignature
    {
        get
        {
            if (!RuntimeReplays || Call is not { } call)
                return null;
            var arguments = new List<string>();
            int tensors = call.Parameters.Count(p => p.Kind is CallParameterKind.Tensor or CallParameterKind.TensorList);
            arguments.Add("Tensors: " + tensors.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (call.Parameters.Any(p => p.Kind == CallParameterKind.TensorList))
                arguments.Add("List: true");
            if (call.Parameters.Any(p => p.Kind == CallParameterKind.Mask))
                arguments.Add("Mask: true");
            if (call.Parameters.Any(p => p.Kind == CallParameterKind.Training))
                arguments.Add("Training: true");
            if (call.TrainingDefault)
                arguments.Add("TrainingDefault: true");
            if (call.NeedsShapesDict)
                arguments.Add("ShapeKeys: [" + string.Join(", ", call.Parameters.Where(p => p.Kind == CallParameterKind.Tensor).Select(p => Naming.StringLiteral(p.Key))) + "]");
            return string.Join(", ", arguments);
        }
    }

    /// <summary>The hint name of the generated file: <c>{Namespace.}{MetadataName}.Layer.g.cs</c>.</summary>
    public string HintName => Hierarchy.FileHint + ".Layer.g.cs";
}

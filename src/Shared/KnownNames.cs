namespace LayerGen.SourceGeneration;

/// <summary>
/// The names of LayerGen's runtime types that the generators and analyzers look for. One place, so the
/// generator and the analyzers can never disagree on what an attribute is called.
/// </summary>
internal static class KnownNames
{
    /// <summary>The runtime's root namespace (its types live in it or in namespaces below it).</summary>
    public const string Namespace = "LayerGen";

    /// <summary><c>[Module]</c>: the entry point of the module generator.</summary>
    public const string ModuleAttribute = "LayerGen.Modules.ModuleAttribute";

    /// <summary><c>[Layer]</c>: the entry point of the layer generator.</summary>
    public const string LayerAttribute = "LayerGen.Modules.LayerAttribute";

    /// <summary><c>[TrackAs("name")]</c>: another path segment for a tracked member.</summary>
    public const string TrackAsAttribute = "LayerGen.Modules.TrackAsAttribute";

    /// <summary><c>[NotTracked]</c>: leaves a member out of tracking.</summary>
    public const string NotTrackedAttribute = "LayerGen.Modules.NotTrackedAttribute";

    /// <summary><c>[ConfigConstructor]</c>: the constructor layer configs are generated from.</summary>
    public const string ConfigConstructorAttribute = "LayerGen.Modules.ConfigConstructorAttribute";

    /// <summary><c>[KerasSerializable]</c>: the entry point of the generator for losses, metrics, optimizers, schedules, initializers, regularizers and constraints.</summary>
    public const string KerasSerializableAttribute = "LayerGen.Layers.KerasSerializableAttribute";

    /// <summary>Where generated module initializers register Keras objects: one registry per kind, <c>KerasRegistry&lt;TKind&gt;</c>.</summary>
    public const string KerasRegistry = "LayerGen.Layers.KerasRegistry";

    /// <summary>
    /// The base classes of the kinds <c>[KerasSerializable]</c> serves, by metadata name: a class belongs to the
    /// first of these it derives from, and registers into that kind's registry.
    /// </summary>
    public static readonly string[] KerasObjectKinds =
    [
        "LayerGen.Losses.Loss",
        "LayerGen.Metrics.Metric",
        "LayerGen.Optimizers.Optimizer",
        "LayerGen.Optimizers.LearningRateSchedule",
        "LayerGen.Layers.Initializer",
        "LayerGen.Layers.Regularizer",
        "LayerGen.Layers.Constraint",
    ];

    /// <summary><c>[ConfigKey("beta_1")]</c>: the config key of a constructor parameter when it is not the parameter name in snake_case.</summary>
    public const string ConfigKeyAttribute = "LayerGen.Layers.ConfigKeyAttribute";

    /// <summary>The learning-rate schedule base class, a config value kind (Keras nested object).</summary>
    public const string LearningRateSchedule = "LayerGen.Optimizers.LearningRateSchedule";

    /// <summary>
    /// The static method a kind's base class may declare, <c>PrepareConfig(JsonObject config, string className)</c>: the
    /// generated <c>FromConfig</c> passes the config through it first (Keras's kind-level <c>from_config</c>, e.g. an
    /// optimizer's <c>learning_rate</c> that is a schedule).
    /// </summary>
    public const string PrepareConfigMethod = "PrepareConfig";

    /// <summary>The module base class.</summary>
    public const string Module = "LayerGen.Modules.Module";

    /// <summary>The layer base class.</summary>
    public const string Layer = "LayerGen.Layers.Layer";

    /// <summary>The variable class.</summary>
    public const string Variable = "LayerGen.Variables.Variable";

    /// <summary>The visitor generated <c>VisitMembers</c> overrides call.</summary>
    public const string ModuleVisitor = "LayerGen.Modules.IModuleVisitor";

    /// <summary>The runtime's walker of tracked collections, called by the generated <c>VisitMembers</c>.</summary>
    public const string TrackedMembers = "LayerGen.Modules.TrackedMembers";

    /// <summary>The tensor class (the inputs and outputs of a layer's <c>Call</c>).</summary>
    public const string Tensor = "LayerGen.Tensors.Tensor";

    /// <summary>The shape struct (the parameters of a layer's <c>Build</c>).</summary>
    public const string Shape = "LayerGen.Tensors.Shape";

    /// <summary>The config helpers generated <c>GetConfig</c>/<c>FromConfig</c> call.</summary>
    public const string Config = "LayerGen.Serialization.Config";

    /// <summary>What a generated <c>GetConfig</c> throws when constructor arguments are not kept (LG0003).</summary>
    public const string ConfigException = "LayerGen.ConfigException";

    /// <summary>The build-config helpers generated <c>Invoke</c> calls.</summary>
    public const string BuildConfig = "LayerGen.Layers.BuildConfig";

    /// <summary>The recorded arguments of a layer call.</summary>
    public const string CallArguments = "LayerGen.Layers.CallArguments";

    /// <summary>Where generated module initializers register layers.</summary>
    public const string LayerRegistry = "LayerGen.Layers.LayerRegistry";

    /// <summary><c>[Op("Name")]</c>: the entry point of the op generator.</summary>
    public const string OpAttribute = "LayerGen.Operations.OpAttribute";

    /// <summary><c>[OpAttr("name")]</c>: an op attribute's name and options, on a constructor parameter.</summary>
    public const string OpAttrAttribute = "LayerGen.Operations.OpAttrAttribute";

    /// <summary><c>[OpName]</c>: the parameter that receives the op name.</summary>
    public const string OpNameAttribute = "LayerGen.Operations.OpNameAttribute";

    /// <summary><c>[OpFactory]</c>: the static method generated op factories call.</summary>
    public const string OpFactoryAttribute = "LayerGen.Operations.OpFactoryAttribute";

    /// <summary>The op base class.</summary>
    public const string Op = "LayerGen.Operations.Op";

    /// <summary>The attributes generated op factories read and <c>WriteAttributes</c> writes.</summary>
    public const string OpAttributes = "LayerGen.Operations.OpAttributes";

    /// <summary>Where generated module initializers register ops.</summary>
    public const string OpRegistry = "LayerGen.Operations.OpRegistry";

    /// <summary>The dtype enum and its helpers (<c>Name()</c>).</summary>
    public const string DType = "LayerGen.Tensors.DType";

    /// <summary>The static class with the dtype helpers.</summary>
    public const string DTypes = "LayerGen.Tensors.DTypes";

    /// <summary>The activation function type (config values).</summary>
    public const string ActivationFunction = "LayerGen.Layers.ActivationFunction";

    /// <summary>The initializer base class (config values).</summary>
    public const string Initializer = "LayerGen.Layers.Initializer";

    /// <summary>The regularizer base class (config values).</summary>
    public const string Regularizer = "LayerGen.Layers.Regularizer";

    /// <summary>The constraint base class (config values).</summary>
    public const string Constraint = "LayerGen.Layers.Constraint";

    /// <summary>The model class.</summary>
    public const string Model = "LayerGen.Models.Model";

    /// <summary>
    /// The full metadata name of a runtime type given by its <see cref="Simple"/> name, or null: what
    /// <c>TypeFacts.IsLayerGenType</c> compares with, so the namespaces are written in one place only.
    /// </summary>
    public static string? FullName(string simpleName) => simpleName switch
    {
        Simple.ModuleAttribute => ModuleAttribute,
        Simple.LayerAttribute => LayerAttribute,
        Simple.TrackAsAttribute => TrackAsAttribute,
        Simple.NotTrackedAttribute => NotTrackedAttribute,
        Simple.ConfigConstructorAttribute => ConfigConstructorAttribute,
        Simple.Module => Module,
        Simple.Layer => Layer,
        Simple.Variable => Variable,
        Simple.Tensor => Tensor,
        Simple.Shape => Shape,
        Simple.DType => DType,
        Simple.ActivationFunction => ActivationFunction,
        Simple.KerasSerializableAttribute => KerasSerializableAttribute,
        Simple.ConfigKeyAttribute => ConfigKeyAttribute,
        Simple.LearningRateSchedule => LearningRateSchedule,
        Simple.Initializer => Initializer,
        Simple.Regularizer => Regularizer,
        Simple.Constraint => Constraint,
        Simple.Model => Model,
        _ => null,
    };

    /// <summary>Simple names (no namespace) of the types above, for cheap symbol checks.</summary>
    public static class Simple
    {
        public const string ModuleAttribute = "ModuleAttribute";
        public const string LayerAttribute = "LayerAttribute";
        public const string KerasSerializableAttribute = "KerasSerializableAttribute";
        public const string TrackAsAttribute = "TrackAsAttribute";
        public const string NotTrackedAttribute = "NotTrackedAttribute";
        public const string Module = "Module";
        public const string Layer = "Layer";
        public const string Variable = "Variable";
        public const string ConfigConstructorAttribute = "ConfigConstructorAttribute";
        public const string ConfigKeyAttribute = "ConfigKeyAttribute";
        public const string Tensor = "Tensor";
        public const string Shape = "Shape";
        public const string DType = "DType";
        public const string ActivationFunction = "ActivationFunction";
        public const string Initializer = "Initializer";
        public const string Regularizer = "Regularizer";
        public const string Constraint = "Constraint";
        public const string LearningRateSchedule = "LearningRateSchedule";
        public const string Model = "Model";
    }

    /// <summary>What <c>[GeneratedCode]</c> says on every generated member.</summary>
    public const string GeneratorName = "LayerGen.Generators";

    /// <summary>The generator version written into <c>[GeneratedCode]</c>.</summary>
    public const string GeneratorVersion = "0.1.0";
}

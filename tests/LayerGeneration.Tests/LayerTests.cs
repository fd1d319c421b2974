using System.Reflection;
using System.Text.Json.Nodes;

namespace LayerGen.LayerGeneration.Tests;

/// <summary>The guide's steps 7 and 8 and the generated config, through the real generator.</summary>
public class LayerTests
{
    private static Tensor Matrix(float[,] values) => Tensor.From(values);

    // ------------------------------------------------------------------ step 7

    [Fact]
    public void FlexibleDenseBuildsOnceFromTheFirstInput()
    {
        Keras.ClearSession();
        var flexibleDense = new FlexibleDense(outFeatures: 3);
        Assert.Empty(flexibleDense.Variables);                     // not built yet
        Assert.False(flexibleDense.IsBuilt);

        var y = flexibleDense.Invoke(Matrix(new[,] { { 2f, 2f, 2f }, { 3f, 3f, 3f } }));
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.True(flexibleDense.IsBuilt);
        Assert.Equal(["w", "b"], flexibleDense.Variables.Select(v => v.Name));
        Assert.Equal(new Shape(3, 3), flexibleDense.Variables[0].Shape);

        flexibleDense.Invoke(Matrix(new[,] { { 1f, 1f, 1f } }));
        Assert.Equal(1, flexibleDense.BuildCount);
        Assert.NotNull(flexibleDense.BuildConfig);
        Assert.Equal("""{"input_shape":[2,3]}""", flexibleDense.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void FlexibleDenseRejectsAnIncompatibleInput()
    {
        Keras.ClearSession();
        var flexibleDense = new FlexibleDense(outFeatures: 3);
        flexibleDense.Invoke(Matrix(new[,] { { 2f, 2f, 2f }, { 3f, 3f, 3f } }));
        var error = Assert.ThrowsAny<LayerGenException>(() => flexibleDense.Invoke(Matrix(new[,] { { 2f, 2f, 2f, 2f } })));
        Assert.Equal(
            "Input 0 of layer \"flexible_dense\" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape (1, 4)",
            error.Message);
    }

    [Fact]
    public void DefaultNamesAreUniquePerSession()
    {
        Keras.ClearSession();
        var first = new FlexibleDense(2);
        var second = new FlexibleDense(2);
        var named = new FlexibleDense(2) { Name = "mine" };
        Assert.Equal("flexible_dense", first.Name);
        Assert.Equal("flexible_dense_1", second.Name);
        Assert.Equal("mine", named.Name);
    }

    [Fact]
    public void InvokeChecksForNull()
        => Assert.Throws<ArgumentNullException>(() => new FlexibleDense(2).Invoke(null!));

    [Fact]
    public void TrainingMaskAndOtherArgumentsFollowTheSignature()
    {
        var gate = new Gate();
        var x = Matrix(new[,] { { 1f, 2f } });

        var inference = gate.Invoke(x);                             // training defaults to false
        Assert.False(gate.LastTraining);
        Assert.Equal([1f, 2f], inference.ToFloatArray());
        Assert.Empty(gate.Losses);

        var training = gate.Invoke(x, training: true, scale: 2.0);
        Assert.True(gate.LastTraining);
        Assert.Equal([3f, 5f], training.ToFloatArray());
        Assert.Single(gate.Losses);                                // added during the call

        var masked = gate.Invoke(x, mask: Matrix(new[,] { { 0f, 1f } }), blend: Blend.MultiplyThenAdd);
        Assert.Equal([0f, 4f], masked.ToFloatArray());
        Assert.Empty(gate.Losses);                                 // the next outermost call clears them
    }

    [Fact]
    public void SeveralInputsBuildFromEachShape()
    {
        var bilinear = new Bilinear(2);
        var y = bilinear.Invoke(Matrix(new[,] { { 1f, 1f, 1f } }), Matrix(new[,] { { 1f, 1f } }));
        Assert.Equal(new Shape(1, 2), y.Shape);
        Assert.Equal([5f, 5f], y.ToFloatArray());
        Assert.Equal(new Shape(3, 2), bilinear.Variables[0].Shape);
        Assert.Equal(new Shape(2, 2), bilinear.Variables[1].Shape);
        Assert.Equal("""{"shapes_dict":{"a_shape":[1,3],"b_shape":[1,2]}}""", bilinear.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void ArrayOutputs()
    {
        var heads = new TwoHeads();
        var outputs = heads.Invoke(Matrix(new[,] { { 1f } }));
        Assert.Equal(2, outputs.Length);
        Assert.Equal([2f], outputs[0].ToFloatArray());
        Assert.Equal([3f], outputs[1].ToFloatArray());
    }

    // ------------------------------------------------------------------ step 8

    [Fact]
    public void SubclassedModel()
    {
        Keras.ClearSession();
        var myModel = new MySequentialModel();
        var y = myModel.Invoke(Matrix(new[,] { { 2f, 2f, 2f } }));
        Assert.Equal(new Shape(1, 2), y.Shape);
        Assert.Equal("my_sequential_model", myModel.Name);
        Assert.Equal(4, myModel.Variables.Count);
        Assert.Equal(4, myModel.TrainableVariables.Count);
        Assert.Equal(2, myModel.Submodules.Count);
        Assert.Equal(["dense1/w", "dense1/b", "dense2/w", "dense2/b"], myModel.NamedVariables.Select(v => v.Key));
    }

    [Fact]
    public void FunctionalModel()
    {
        Keras.ClearSession();
        var inputs = Keras.Input(shape: [3]);
        var first = new FlexibleDense(3);
        var x = first.Invoke(inputs);
        Assert.Equal(new Shape(Shape.Unknown, 3), x.Shape);
        x = new FlexibleDense(2).Invoke(x);
        var myFunctionalModel = new Model(inputs, x);

        var data = Matrix(new[,] { { 2f, 2f, 2f } });
        var y = myFunctionalModel.Invoke(data);
        Assert.Equal(new Shape(1, 2), y.Shape);
        Assert.Equal(4, myFunctionalModel.Variables.Count);
        Assert.Equal(1, first.BuildCount);

        // the same layers applied by hand give the same result
        var layers = myFunctionalModel.SubLayers().OfType<FlexibleDense>().ToList();
        Assert.Equal(2, layers.Count);
        var byHand = layers[1].Invoke(layers[0].Invoke(data));
        Assert.Equal(byHand.ToFloatArray(), y.ToFloatArray());
    }

    [Fact]
    public void FunctionalModelReplaysOtherArguments()
    {
        Keras.ClearSession();
        var inputs = Keras.Input(shape: [2]);
        var outputs = new Gate().Invoke(inputs, scale: 3.0, blend: Blend.MultiplyThenAdd);
        var model = new Model(inputs, outputs);
        var y = model.Invoke(Matrix(new[,] { { 1f, 2f } }));
        Assert.Equal([6f, 12f], y.ToFloatArray());
    }

    // ------------------------------------------------------------------ config

    [Fact]
    public void FlexibleDenseConfigRoundTrips()
    {
        Keras.ClearSession();
        var layer = new FlexibleDense(3);
        var config = layer.GetConfig();
        Assert.Equal("flexible_dense", (string?)config["name"]);
        Assert.Equal(3, (int?)config["out_features"]);
        Assert.True((bool?)config["trainable"]);

        var copy = FlexibleDense.FromConfig(config);
        Assert.Equal("flexible_dense", copy.Name);
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        Assert.Equal(new Shape(5, 3), copy.Invoke(Tensor.Zeros([5, 4])).Shape);
    }

    [Fact]
    public void EveryKindOfConfigValueRoundTrips()
    {
        Keras.ClearSession();
        var layer = new Configured(
            units: 4,
            inner: new FlexibleDense(2) { Name = "inner" },
            rate: 0.25f,
            label: "custom",
            blend: Blend.Add,
            targetShape: new Shape(Shape.Unknown, 3),
            maybeShape: new Shape(7),
            kernelSize: [5, 1],
            tags: ["a", "b"],
            cap: 1.5,
            activation: ActivationFunction.Relu,
            kernelInitializer: Initializers.RandomNormal(stddev: 0.1),
            kernelRegularizer: Regularizers.L2(0.001),
            kernelConstraint: Constraints.MaxNorm(3.0),
            extra: [new FlexibleDense(1) { Name = "extra" }]);
        var config = layer.GetConfig();
        Assert.Equal(4, (int?)config["units"]);
        Assert.Equal(0.25, (double?)config["rate"]);
        Assert.Equal("custom", (string?)config["label"]);
        Assert.Equal("add", (string?)config["blend"]);
        Assert.Equal("[null,3]", config["target_shape"]!.ToJsonString());
        Assert.Equal("[7]", config["maybe_shape"]!.ToJsonString());
        Assert.Equal("[5,1]", config["kernel_size"]!.ToJsonString());
        Assert.Equal("""["a","b"]""", config["tags"]!.ToJsonString());
        Assert.Equal(1.5, (double?)config["cap"]);
        Assert.Equal("relu", (string?)config["activation"]);
        Assert.Equal("RandomNormal", (string?)config["kernel_initializer"]!["class_name"]);
        Assert.Equal("L2", (string?)config["kernel_regularizer"]!["class_name"]);
        Assert.Equal("MaxNorm", (string?)config["kernel_constraint"]!["class_name"]);
        Assert.Equal("inner", (string?)config["inner"]!["config"]!["name"]);
        Assert.Single(config["extra"]!.AsArray());

        var copy = Configured.FromConfig(config);
        Assert.Equal(config.ToJsonString(), copy.GetConfig().ToJsonString());
        Assert.Equal(4, copy.Units);
        Assert.Equal(0.25f, copy.Rate);
        Assert.Equal(Blend.Add, copy.Blend);
        Assert.Equal(new Shape(Shape.Unknown, 3), copy.TargetShape);
        Assert.Equal(new Shape(7), copy.MaybeShape);
        Assert.Equal([5, 1], copy.KernelSize);
        Assert.Equal(["a", "b"], copy.Tags);
        Assert.Equal("relu", copy.Activation.Name);
        Assert.Equal("inner", copy.Inner.Name);
        Assert.Equal("extra", Assert.Single(copy.Extra).Name);
    }

    [Fact]
    public void MissingKeysTakeTheConstructorDefaults()
    {
        Keras.ClearSession();
        var config = new JsonObject
        {
            ["name"] = "minimal",
            ["units"] = 2,
            ["inner"] = LayerRegistry.Serialize(new FlexibleDense(1)),
        };
        var layer = Configured.FromConfig(config);
        Assert.Equal("minimal", layer.Name);
        Assert.Equal(0.5f, layer.Rate);
        Assert.Equal("configured", layer.Label);
        Assert.Equal(Blend.MultiplyThenAdd, layer.Blend);
        Assert.Null(layer.MaybeShape);
        Assert.Equal([3, 3], layer.KernelSize);
    }

    [Fact]
    public void ConfigErrorsNameTheClassAndKey()
    {
        var error = Assert.Throws<ConfigException>(() => FlexibleDense.FromConfig(new JsonObject { ["name"] = "x" }));
        Assert.Contains("FlexibleDense", error.Message, StringComparison.Ordinal);
        Assert.Contains("out_features", error.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ registration

    private const string Package = "LayerGen.LayerGeneration.Tests";

    [Fact]
    public void LayersAreRegisteredUnderPackageAndClassName()
    {
        Assert.Equal(Package + ">FlexibleDense", new FlexibleDense(1).RegisteredName);
        Assert.True(LayerRegistry.IsRegistered(Package + ">FlexibleDense"));
        Assert.True(LayerRegistry.IsRegistered(Package + ">MySequentialModel"));
        Assert.True(LayerRegistry.IsRegistered(Package + ">Configured"));
        Assert.False(LayerRegistry.IsRegistered(Package + ">Forgetful"));   // its config cannot be generated
    }

    [Fact]
    public void NamesTheGeneratedPartLeavesOutComeFromTheRuntime()
    {
        // No generated RegisteredName or DefaultName (issue 23): the registration list and Module.DefaultName give them.
        Assert.Null(typeof(FlexibleDense).GetProperty("RegisteredName", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        Assert.Null(typeof(FlexibleDense).GetProperty("DefaultName", BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        Assert.Equal(Package + ">FlexibleDense", new FlexibleDense(1).RegisteredName);
        Assert.Equal("keras.layers>Dense", new Dense(2).RegisteredName);
        // Forgetful is not in the list (its config cannot be generated): its part keeps the override.
        Assert.NotNull(typeof(Forgetful).GetProperty("RegisteredName", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        Assert.Equal(Package + ">Forgetful", new Forgetful(1, 2).RegisteredName);
        // An alias registered by hand is another name for the class, not its RegisteredName.
        LayerRegistry.Register("Aliases>OldFlexibleDense", config => FlexibleDense.FromConfig(config));
        Assert.True(LayerRegistry.IsRegistered("Aliases>OldFlexibleDense"));
        Assert.Equal(Package + ">FlexibleDense", new FlexibleDense(1).RegisteredName);
        Keras.ClearSession();
        Assert.Equal("flexible_dense", new FlexibleDense(1).Name);
        Assert.Equal("flexible_dense_1", new FlexibleDense(1).Name);
    }

    [Fact]
    public void FromConfigNamesTheLayerAndAppliesTheBaseKeys()
    {
        var layer = FlexibleDense.FromConfig(new JsonObject { ["name"] = "restored", ["trainable"] = false, ["out_features"] = 2 });
        Assert.Equal("restored", layer.Name);
        Assert.False(layer.Trainable);
        Assert.Equal(2, (int?)layer.GetConfig()["out_features"]);
    }

    [Fact]
    public void SerializedLayersComeBackThroughTheRegistry()
    {
        Keras.ClearSession();
        var layer = new FlexibleDense(3) { Name = "registered" };
        var serialized = LayerRegistry.Serialize(layer);
        Assert.Equal("FlexibleDense", (string?)serialized["class_name"]);
        Assert.Equal(Package + ">FlexibleDense", (string?)serialized["registered_name"]);

        var copy = Assert.IsType<FlexibleDense>(LayerRegistry.Deserialize(serialized));
        Assert.Equal("registered", copy.Name);
        Assert.Equal(3, (int?)copy.GetConfig()["out_features"]);
    }
}

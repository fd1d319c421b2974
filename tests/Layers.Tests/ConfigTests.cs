using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Serialization;

namespace LayerGen.Tests.Layers;

public class ConfigTests
{
    static JsonObject RoundTrip(Layer layer, out Layer back)
    {
        var serialized = LayerRegistry.Serialize(layer);
        var text = serialized.ToJsonString();
        back = LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(text)!);
        Assert.Equal(text, LayerRegistry.Serialize(back).ToJsonString());
        return serialized;
    }

    [Fact]
    public void DenseConfigHasKerasKeysInOrder()
    {
        var dense = new Dense(3, activation: "relu") { Name = "dense" };
        var config = dense.GetConfig();
        Assert.Equal(["name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "quantization_config"], config.Select(kv => kv.Key));
        Assert.Equal("{\"module\":\"keras.initializers\",\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null,\"input_axes\":null,\"output_axes\":null},\"registered_name\":null}",
            config["kernel_initializer"]!.ToJsonString());
        Assert.Equal("\"relu\"", config["activation"]!.ToJsonString());
        var s = LayerRegistry.Serialize(dense);
        Assert.Equal("keras.layers", (string?)s["module"]);
        Assert.Equal("Dense", (string?)s["class_name"]);
        Assert.Null(s["registered_name"]);
        Assert.False(s.ContainsKey("build_config"));
    }

    [Fact]
    public void EveryBuiltInRoundTrips()
    {
        var dense = new Dense(4, activation: "tanh", useBias: false, kernelInitializer: Initializers.HeNormal(seed: 3),
            kernelRegularizer: Regularizers.L1L2(0.1, 0.2), biasRegularizer: Regularizers.L2(), activityRegularizer: Regularizers.L1(),
            kernelConstraint: Constraints.MaxNorm(3, 1), biasConstraint: Constraints.MinMaxNorm(0.5, 2, 0.7, 0)) { Trainable = false, DType = DType.Float64 };
        dense.Invoke(Tensor.Zeros([2, 5], DType.Float64));
        var s = RoundTrip(dense, out var back);
        Assert.Equal("{\"input_shape\":[2,5]}", s["build_config"]!.ToJsonString());
        var d2 = Assert.IsType<Dense>(back);
        Assert.True(d2.IsBuilt);
        Assert.False(d2.Trainable);
        Assert.Equal(DType.Float64, d2.DType);
        Assert.Equal(new Shape(5, 4), d2.Kernel!.Shape);
        Assert.Equal(DType.Float64, d2.Kernel.DType);
        Assert.Equal("activity_regularizer", s["config"]!.AsObject().ElementAt(3).Key);

        RoundTrip(new LayerGen.Layers.Activation("gelu"), out var act);
        Assert.Equal("gelu", ((LayerGen.Layers.Activation)act).Function.Name);
        RoundTrip(new Identity { Name = "id" }, out var id);
        Assert.Equal("id", id.Name);
        var input = new InputLayer(shape: new Shape(3));
        var inputConfig = input.GetConfig();
        Assert.Equal(["batch_shape", "dtype", "sparse", "ragged", "name", "optional"], inputConfig.Select(kv => kv.Key));
        RoundTrip(input, out var input2);
        Assert.Equal(new Shape(-1, 3), ((InputLayer)input2).BatchShape);
    }

    [Fact]
    public void CustomLayerRoundTripsWithNestedLayer()
    {
        var inner = new Dense(2, activation: "sigmoid") { Name = "inner_dense" };
        var zoo = new ConfigZoo(7, 1L << 40, 0.25f, 1e-9, true, "hello", Mode.SamePadding, [1, 2, 3], ["a", "b"], new Shape(-1, 4), null,
            "softplus", Initializers.RandomUniform(-1, 1, seed: 42), Regularizers.L2(0.3), Constraints.NonNeg(), inner);
        var s = RoundTrip(zoo, out var back);
        Assert.Equal("LayerGen.Layers.Tests>ConfigZoo", (string?)s["registered_name"]);
        Assert.Equal("LayerGen.Layers.Tests", (string?)s["module"]);
        var c = s["config"]!.AsObject();
        Assert.Equal("\"same_padding\"", c["mode"]!.ToJsonString());
        Assert.Equal("[null,4]", c["shape"]!.ToJsonString());
        Assert.Equal("[1,2,3]", c["sizes"]!.ToJsonString());
        Assert.Null(c["maybe"]);
        Assert.Equal("Dense", (string?)c["inner"]!["class_name"]);
        var zoo2 = Assert.IsType<ConfigZoo>(back);
        Assert.Equal("inner_dense", zoo2.InnerLayer.Name);
        Assert.IsType<Dense>(zoo2.InnerLayer);
    }

    [Fact]
    public void ConfigErrorsNameTheClassAndKey()
    {
        var missing = Assert.Throws<ConfigException>(() => Dense.FromConfig(new JsonObject { ["name"] = "d" }));
        Assert.Equal("Cannot read the config of Dense: key \"units\" is missing.", missing.Message);
        var wrong = Assert.Throws<ConfigException>(() => Dense.FromConfig(new JsonObject { ["name"] = "d", ["units"] = "three" }));
        Assert.Equal("Cannot read the config of Dense: key \"units\" must be a 32-bit integer, got \"three\".", wrong.Message);
        var badEnum = Assert.Throws<ConfigException>(() => Config.ReadEnum<Mode>(new JsonObject { ["mode"] = "valid" }, "mode", "ConfigZoo"));
        Assert.Equal("Cannot read the config of ConfigZoo: key \"mode\" has the unknown value \"valid\" (expected one of \"plain\", \"same_padding\").", badEnum.Message);
        var badInit = Assert.Throws<ConfigException>(() => Config.ReadInitializer(new JsonObject { ["k"] = "nope" }, "k", "Dense"));
        Assert.StartsWith("Cannot read the config of Dense: key \"k\": Unknown initializer \"nope\". Known: Constant, GlorotNormal, GlorotUniform", badInit.Message);
    }

    [Fact]
    public void UnknownRegisteredNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(new JsonObject
        {
            ["module"] = "my", ["class_name"] = "Nope", ["config"] = new JsonObject(), ["registered_name"] = "My>Nope",
        }));
        Assert.StartsWith("Could not locate class 'My>Nope'.", e.Message);
        Assert.Contains("Dense", e.Message);
        Assert.Contains("LayerGen.Layers.Tests>FlexibleDense", e.Message);
        Assert.Contains("Sequential", LayerRegistry.RegisteredNames);
        Assert.Contains("Functional", LayerRegistry.RegisteredNames);
    }

    [Fact]
    public void InitializersFollowKeras()
    {
        Assert.Equal("{\"mean\":0,\"stddev\":0.05,\"seed\":null}", Initializers.RandomNormal().GetConfig().ToJsonString());
        Assert.Equal("{\"minval\":-0.05,\"maxval\":0.05,\"seed\":7}", Initializers.RandomUniform(seed: 7).GetConfig().ToJsonString());
        Assert.Equal("{\"scale\":2,\"mode\":\"fan_out\",\"distribution\":\"uniform\",\"seed\":null,\"input_axes\":null,\"output_axes\":null}",
            Initializers.VarianceScaling(2, "fan_out", "uniform").GetConfig().ToJsonString());
        Assert.Equal(Initializers.GlorotNormal(5).Call([4, 4]).ToArray<float>(), Initializers.GlorotNormal(5).Call([4, 4]).ToArray<float>());
        Assert.Equal((6, 12), VarianceScalingInitializer.ComputeFans([3, 2, 4]));
        double limit = Math.Sqrt(6.0 / (30 + 20));
        Assert.All(Initializers.GlorotUniform(1).Call([30, 20]).ToArray<float>(), v => Assert.InRange(v, -limit, limit));
        double heStd = Math.Sqrt(2.0 / 100) / VarianceScalingInitializer.TruncatedNormalStddevCorrection;
        Assert.All(Initializers.HeNormal(1).Call([100, 10]).ToArray<float>(), v => Assert.InRange(v, -2 * heStd - 1e-6, 2 * heStd + 1e-6));
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 0f], Initializers.Identity().Call([2, 3]).ToArray<float>());
        Assert.Equal([2.5f, 2.5f], Initializers.Constant(2.5).Call([2]).ToArray<float>());
        var q = Initializers.Orthogonal(seed: 3).Call([3, 5]).ToArray<float>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double dot = 0;
                for (int k = 0; k < 5; k++) dot += q[i * 5 + k] * q[j * 5 + k];
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 4);
            }
        foreach (var name in new[] { "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal", "GlorotUniform", "GlorotNormal",
            "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "IdentityInitializer", "VarianceScaling" })
        {
            var init = Initializer.Deserialize(new JsonObject { ["module"] = "keras.initializers", ["class_name"] = name, ["config"] = new JsonObject() });
            Assert.Equal(name, init.ClassName);
            Assert.Equal(init.Serialize().ToJsonString(), Initializer.Deserialize(init.Serialize()).Serialize().ToJsonString());
            Assert.Equal(new Shape(2, 2), init.Call([2, 2]).Shape);
        }
        Assert.Equal("GlorotUniform", Initializer.Get("glorot_uniform").ClassName);
    }

    [Fact]
    public void RegularizersAndConstraints()
    {
        var w = Tensor.From(new[,] { { 3f, -4f }, { 0f, 0f } });
        Assert.Equal(0.07f, Regularizers.L1().Call(w).ToScalar<float>(), 5);
        Assert.Equal(0.25f, Regularizers.L2().Call(w).ToScalar<float>(), 5);
        Assert.Equal(0.7f + 2.5f, Regularizers.L1L2(0.1, 0.1).Call(w).ToScalar<float>(), 4);
        Assert.Equal("{\"module\":\"keras.regularizers\",\"class_name\":\"L1L2\",\"config\":{\"l1\":0,\"l2\":0},\"registered_name\":null}", Regularizers.L1L2().Serialize().ToJsonString());
        Assert.Equal("{\"l2\":0.01}", Regularizers.L2().GetConfig().ToJsonString());

        var row = Tensor.From(new[,] { { 3f, 4f } });
        var maxNorm = Constraints.MaxNorm(1, axis: 1).Apply(row).ToArray<float>();
        Assert.Equal(0.6f, maxNorm[0], 5);
        Assert.Equal(0.8f, maxNorm[1], 5);
        Assert.Equal([3f, 4f], Constraints.MaxNorm(10, axis: 1).Apply(row).ToArray<float>().Select(v => MathF.Round(v, 4)));
        Assert.Equal([0f, 2f], Constraints.NonNeg().Apply(Tensor.From(new[] { -1f, 2f })).ToArray<float>());
        var unit = Constraints.UnitNorm(0).Apply(Tensor.From(new[,] { { 3f }, { 4f } })).ToArray<float>();
        Assert.Equal(0.6f, unit[0], 5);
        var mm = Constraints.MinMaxNorm(0, 2, 1, 1).Apply(row).ToArray<float>();
        Assert.Equal(1.2f, mm[0], 5);
        Assert.Equal("{\"module\":\"keras.constraints\",\"class_name\":\"MaxNorm\",\"config\":{\"max_value\":2,\"axis\":0},\"registered_name\":null}", Constraints.MaxNorm().Serialize().ToJsonString());
        Assert.Equal("MinMaxNorm", Constraint.Deserialize(Constraints.MinMaxNorm().Serialize()).ClassName);

        var dense = new Dense(2, kernelConstraint: Constraints.NonNeg());
        dense.Invoke(Tensor.Ones([1, 2]));
        Assert.IsType<NonNegConstraint>(dense.GetConstraint(dense.Kernel!));
        Assert.Null(dense.GetConstraint(dense.Bias!));
    }

    [Theory]
    [InlineData("softsign")]
    [InlineData("selu")]
    [InlineData("relu6")]
    [InlineData("silu")]
    [InlineData("swish")]
    [InlineData("hard_sigmoid")]
    public void CompositeActivationsMatchKerasFormulasAndTheirDerivatives(string name)
    {
        Func<double, double> f = name switch
        {
            "softsign" => x => x / (1 + Math.Abs(x)),
            "selu" => x => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.Exp(x) - 1)),
            "relu6" => x => Math.Clamp(x, 0, 6),
            "silu" or "swish" => x => x / (1 + Math.Exp(-x)),
            _ => x => Math.Clamp(x / 6 + 0.5, 0, 1),
        };
        double[] points = [-7.3, -2.1, -0.4, 0.7, 2.5, 8.2];   // away from kinks
        var v = new Variable(Tensor.From(points));
        using var tape = new GradientTape();
        var y = ActivationFunction.Get(name).Call(v);
        var g = tape.Gradient(Ops.Sum(y), [v])[0]!.ToArray<double>();
        var values = y.ToArray<double>();
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(f(points[i]), values[i], 12);
            double h = 1e-6, numeric = (f(points[i] + h) - f(points[i] - h)) / (2 * h);
            Assert.Equal(numeric, g[i], 6);
        }
    }

    [Fact]
    public void ActivationsByName()
    {
        var x = Tensor.From(new[] { -1f, 0f, 2f });
        foreach (var name in new[] { "linear", "relu", "sigmoid", "tanh", "softmax", "gelu", "elu", "leaky_relu", "softplus", "softsign", "selu", "silu", "swish", "exponential", "hard_sigmoid", "relu6" })
        {
            var a = ActivationFunction.Get(name);
            Assert.Equal(name, a.Name);
            Assert.Equal(x.Shape, a.Call(x).Shape);
        }
        Assert.Equal(1 / (1 + MathF.Exp(1)), ActivationFunction.Sigmoid.Call(x).ToArray<float>()[0], 5);
        var e = Assert.Throws<ConfigException>(() => ActivationFunction.Get("nope"));
        Assert.StartsWith("Unknown activation function: 'nope'.", e.Message);
        using var tape = new GradientTape();
        var v = new Variable(Tensor.From(new[] { 0f }));
        var y = ActivationFunction.Get("sigmoid").Call(v);
        var g = tape.Gradient(y, [v])[0]!;
        Assert.Equal(0.25f, g.ToArray<float>()[0], 5);
    }
}

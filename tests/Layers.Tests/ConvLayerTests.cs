using System.Text.Json.Nodes;

namespace LayerGen.Layers.Tests;

/// <summary>
/// The convolution layers' arguments, errors and shapes (their values against real Keras are in
/// KerasFormat.Tests/ConvFixtureTests): Keras's messages for bad arguments and bad inputs, the integer and array
/// constructors, channels_first as a transpose of channels_last, and symbolic inputs with unknown sizes.
/// </summary>
public class ConvLayerTests
{
    private static Tensor Random(params int[] dims)
    {
        var shape = new Shape(dims);
        var values = new float[shape.Size];
        var rng = new Random(7);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(values, shape);
    }

    private static Tensor Run(Layer layer, Tensor x) => layer.Invoke(new CallArguments([x]))[0];

    private static void Close(Tensor expected, Tensor actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float[] e = expected.ToFloatArray(), a = actual.ToFloatArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - a[i]) <= tol * (1 + MathF.Abs(e[i])), $"index {i}: expected {e[i]}, got {a[i]}");
    }

    // ------------------------------------------------------------------ arguments

    [Fact]
    public void BadArgumentsGetKerasMessages()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, 3));
        Assert.Contains("Conv2D: Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0.", e.Message);
        Assert.Equal("filters", e.ParamName);

        var k = Assert.Throws<ArgumentException>(() => new Conv2D(2, [3, 0]));
        Assert.Contains("Conv2D: The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 0), including values {0} that do not satisfy `value > 0`", k.Message);
        Assert.Equal("kernelSize", k.ParamName);

        var len = Assert.Throws<ArgumentException>(() => new Conv3D(2, [3, 3]));
        Assert.Contains("Conv3D: The `kernel_size` argument must be a tuple of 3 integers. Received kernel_size=(3, 3)", len.Message);

        var s = Assert.Throws<ArgumentException>(() => new Conv1D(2, 3, strides: -1));
        Assert.Contains("The `strides` argument must be a tuple of 1 integers. Received strides=(-1,), including values {-1} that do not satisfy `value > 0`", s.Message);

        var d = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, dilationRate: 0));
        Assert.Contains("The `dilation_rate` argument must be a tuple of 2 integers.", d.Message);

        var sd = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, strides: 2, dilationRate: 2));
        Assert.Contains("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) and dilation_rate=(2, 2)", sd.Message);
        Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 3, strides: 2, dilationRate: 2));

        var g = Assert.Throws<ArgumentException>(() => new Conv2D(5, 3, groups: 2));
        Assert.Contains("The number of filters must be evenly divisible by the number of groups. Received: groups=2, filters=5.", g.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, 3, groups: 0));

        var p = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, padding: "causal"));
        Assert.Contains("The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: causal", p.Message);
        Assert.Equal("causal", new Conv1D(2, 3, padding: "CAUSAL").Padding);
        Assert.Throws<ArgumentException>(() => new DepthwiseConv1D(3, padding: "causal"));

        var f = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, dataFormat: "NHWC"));
        Assert.Contains("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=nhwc", f.Message);

        var op = Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 3, strides: 2, outputPadding: 2));
        Assert.Contains("`output_padding` must be strictly less than `strides` for all dimensions. At dimension 0, `output_padding` is 2 but `strides` is 2.", op.Message);
        Assert.Throws<ArgumentException>(() => new Conv1DTranspose(2, 3, outputPadding: -1));

        var m = Assert.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConv2D(3, depthMultiplier: 0));
        Assert.Contains("Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier=0.", m.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeparableConv2D(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeparableConv1D(2, 3, depthMultiplier: -1));
    }

    [Fact]
    public void DepthwiseAllowsStridesWithDilationAsKeras315()
    {
        var layer = new DepthwiseConv2D(2, strides: 2, dilationRate: 2);
        Assert.Equal(new Shape(1, 3, 3, 2), layer.Invoke(Random(1, 8, 8, 2)).Shape);
    }

    [Fact]
    public void IntegerAndArrayConstructorsWriteTheSameConfig()
    {
        Keras.ClearSession();
        var a = new Conv2D(4, 3, strides: 2, padding: "same", activation: "relu") { Name = "c" }.GetConfig();
        var b = new Conv2D(4, [3, 3], strides: [2, 2], padding: "same", activation: "relu") { Name = "c" }.GetConfig();
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        Assert.Equal("[3,3]", a["kernel_size"]!.ToJsonString());
        Assert.Equal("[2,2]", a["strides"]!.ToJsonString());
        Assert.Equal("[1,1]", a["dilation_rate"]!.ToJsonString());
        Assert.Equal("channels_last", (string?)a["data_format"]);
        Assert.Equal("relu", (string?)a["activation"]);

        var t = new Conv1DTranspose(2, 3).GetConfig();
        Assert.True(t.ContainsKey("output_padding"));
        Assert.Null(t["output_padding"]);
        Assert.Equal("[1]", new Conv1DTranspose(2, 3, strides: 2, outputPadding: 1).GetConfig()["output_padding"]!.ToJsonString());

        var sep = new SeparableConv2D(3, 3, depthMultiplier: 2).GetConfig();
        Assert.Equal(2, (int)sep["depth_multiplier"]!);
        Assert.True(sep.ContainsKey("pointwise_initializer"));
    }

    [Fact]
    public void ConfigRoundTripsThroughTheRegistry()
    {
        Keras.ClearSession();
        Layer[] layers =
        [
            new Conv1D(3, 2, padding: "causal", dilationRate: 2, groups: 1, useBias: false),
            new Conv2D(4, [3, 1], strides: [2, 1], groups: 2, dataFormat: "channels_first"),
            new Conv3D(2, 2, kernelRegularizer: Regularizers.L2(0.1)),
            new Conv2DTranspose(2, 3, strides: 2, padding: "same", outputPadding: 1, activation: "sigmoid"),
            new Conv3DTranspose(1, [1, 2, 3]),
            new DepthwiseConv1D(3, depthMultiplier: 3, biasInitializer: Initializers.Ones()),
            new DepthwiseConv2D(3, depthwiseConstraint: Constraints.NonNeg()),
            new SeparableConv1D(2, 3, pointwiseRegularizer: Regularizers.L1(0.01)),
            new SeparableConv2D(2, [3, 2], activityRegularizer: Regularizers.L2(0.5)),
        ];
        foreach (var layer in layers)
        {
            var json = LayerRegistry.Serialize(layer);
            Assert.Equal("keras.layers", (string?)json["module"]);
            Assert.Equal(layer.GetType().Name, (string?)json["class_name"]);
            var back = LayerRegistry.Deserialize(json);
            Assert.IsType(layer.GetType(), back);
            Assert.Equal(json.ToJsonString(), LayerRegistry.Serialize(back).ToJsonString());
        }
    }

    // ------------------------------------------------------------------ inputs

    [Fact]
    public void WrongRankIsRefusedInKerasWords()
    {
        var layer = new Conv2D(2, 3) { Name = "conv" };
        var e = Assert.Throws<IncompatibleInputException>(() => layer.Invoke(Random(1, 5, 3)));
        Assert.Equal("Input 0 of layer \"conv\" is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (1, 5, 3)", e.Message);
        var more = Assert.Throws<IncompatibleInputException>(() => new Conv1D(2, 3) { Name = "c1" }.Invoke(Random(1, 5, 5, 3)));
        Assert.Contains("expected ndim=3, found ndim=4", more.Message);
    }

    [Fact]
    public void ChannelsNotMatchingTheKernelAreRefused()
    {
        var layer = new Conv2D(2, 3) { Name = "conv" };
        layer.Invoke(Random(1, 5, 5, 3));
        var e = Assert.Throws<IncompatibleInputException>(() => layer.Invoke(Random(1, 5, 5, 4)));
        Assert.Equal("Input 0 of layer \"conv\" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape (1, 5, 5, 4)", e.Message);

        var first = new Conv2D(2, 3, dataFormat: "channels_first") { Name = "cf" };
        first.Invoke(Random(1, 3, 5, 5));
        var f = Assert.Throws<IncompatibleInputException>(() => first.Invoke(Random(1, 4, 5, 5)));
        Assert.Contains("expected axis 1 of input shape to have value 3", f.Message);
    }

    [Fact]
    public void GroupsNotDividingTheChannelsAreRefused()
    {
        var e = Assert.Throws<IncompatibleInputException>(() => new Conv2D(4, 3, groups: 2) { Name = "g" }.Invoke(Random(1, 5, 5, 3)));
        Assert.Equal("Conv2D \"g\": The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 3 channels (full input shape is (1, 5, 5, 3)).", e.Message);
    }

    [Fact]
    public void KernelLargerThanTheInputIsRefused()
    {
        var e = Assert.Throws<IncompatibleInputException>(() => new Conv2D(2, 4) { Name = "big" }.Invoke(Random(1, 3, 5, 1)));
        Assert.Equal("Conv2D \"big\": Computed output size would be zero or negative. Received `inputs shape=(1, 3, 5, 1)`, `kernel shape=(4, 4, 1, 2)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.", e.Message);
        Assert.Throws<IncompatibleInputException>(() => new Conv1D(2, 3, dilationRate: 3).Invoke(Random(1, 6, 1)));
        Assert.Throws<IncompatibleInputException>(() => new DepthwiseConv2D(4).Invoke(Random(1, 3, 3, 1)));
        Assert.Throws<IncompatibleInputException>(() => new SeparableConv1D(2, 5).Invoke(Random(1, 4, 1)));
        Assert.Equal(new Shape(1, 3, 5, 2), new Conv2D(2, 4, padding: "same").Invoke(Random(1, 3, 5, 1)).Shape);
    }

    [Fact]
    public void UnknownChannelsAreRefused()
    {
        var input = Keras.Input(new Shape(5, 5, Shape.Unknown));
        var e = Assert.Throws<IncompatibleInputException>(() => new Conv2D(2, 3) { Name = "u" }.Invoke(input));
        Assert.Contains("The channel dimension of the inputs should be defined.", e.Message);
        Assert.Contains("which found to be `None`", e.Message);
    }

    // ------------------------------------------------------------------ values and shapes

    [Fact]
    public void ChannelsFirstIsChannelsLastTransposed()
    {
        var x = Random(2, 6, 5, 3);
        var xFirst = Ops.Transpose(x, [0, 3, 1, 2]);
        (Layer Last, Layer First)[] pairs =
        [
            (new Conv2D(4, 3, strides: 2, padding: "same"), new Conv2D(4, 3, strides: 2, padding: "same", dataFormat: "channels_first")),
            (new Conv2DTranspose(2, 3, strides: 2, padding: "same"), new Conv2DTranspose(2, 3, strides: 2, padding: "same", dataFormat: "channels_first")),
            (new DepthwiseConv2D(2, depthMultiplier: 2), new DepthwiseConv2D(2, depthMultiplier: 2, dataFormat: "channels_first")),
            (new SeparableConv2D(3, 2, activation: "relu"), new SeparableConv2D(3, 2, activation: "relu", dataFormat: "channels_first")),
        ];
        foreach (var (last, first) in pairs)
        {
            var yLast = Run(last, x);
            Run(first, xFirst);
            first.SetWeights(last.GetWeights());
            var yFirst = Run(first, xFirst);
            Close(Ops.Transpose(yLast, [0, 3, 1, 2]), yFirst);
        }
    }

    [Fact]
    public void WeightsHaveKerasNamesAndShapes()
    {
        var x = Random(1, 6, 6, 4);
        void Check(Layer layer, params (string Name, int[] Shape)[] expected)
        {
            Run(layer, x);
            var vars = layer.Variables;
            Assert.Equal(expected.Length, vars.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Name, vars[i].Name);
                Assert.Equal(new Shape(expected[i].Shape), vars[i].Shape);
            }
        }
        Check(new Conv2D(8, [3, 2], groups: 2), ("kernel", [3, 2, 2, 8]), ("bias", [8]));
        Check(new Conv2DTranspose(5, 3), ("kernel", [3, 3, 5, 4]), ("bias", [5]));
        Check(new DepthwiseConv2D(3, depthMultiplier: 2, useBias: false), ("kernel", [3, 3, 4, 2]));
        Check(new SeparableConv2D(7, 3, depthMultiplier: 3), ("depthwise_kernel", [3, 3, 4, 3]), ("pointwise_kernel", [1, 1, 12, 7]), ("bias", [7]));
    }

    [Fact]
    public void SymbolicInputsWithUnknownSizesGiveUnknownSizes()
    {
        Keras.ClearSession();
        var input = Keras.Input(new Shape(Shape.Unknown, Shape.Unknown, 3));
        var h = new Conv2D(4, 3, strides: 2, padding: "same", activation: "relu").Invoke(input);
        Assert.Equal(new Shape(Shape.Unknown, Shape.Unknown, Shape.Unknown, 4), h.Shape);
        var t = new Conv2DTranspose(2, 3, strides: 2, padding: "same").Invoke(h);
        Assert.Equal(new Shape(Shape.Unknown, Shape.Unknown, Shape.Unknown, 2), t.Shape);
        var d = new SeparableConv2D(5, 3, padding: "same").Invoke(t);
        var model = new Model(input, d);
        Assert.Equal(new Shape(2, 8, 6, 5), model.Predict(Random(2, 7, 6, 3), verbose: 0).Shape);
        Assert.Equal(new Shape(1, 4, 4, 5), model.Predict(Random(1, 4, 3, 3), verbose: 0).Shape);
    }

    [Fact]
    public void CausalPaddingNeverLooksAhead()
    {
        var layer = new Conv1D(1, 3, padding: "causal", dilationRate: 2, useBias: false);
        var x = Random(1, 9, 1);
        var y = layer.Invoke(x).ToFloatArray();
        var changed = x.ToFloatArray();
        changed[6] += 10;
        var y2 = layer.Invoke(Tensor.From<float>(changed, x.Shape)).ToFloatArray();
        Assert.Equal(9, y.Length);
        for (int t = 0; t < 6; t++) Assert.Equal(y[t], y2[t]);
        Assert.NotEqual(y[6], y2[6]);
    }

    [Fact]
    public void DocsExampleRuns()
    {
        // docs/layers.md, "Convolution layers"
        Keras.ClearSession();
        var model = new Sequential([
            new InputLayer(shape: [28, 28, 1]),
            new Conv2D(32, 3, activation: "relu"),
            new Conv2D(64, [3, 1], strides: [2, 1], padding: "same"),
            new SeparableConv2D(32, 3, depthMultiplier: 2),
            new Conv2DTranspose(8, 3, strides: 2, padding: "same"),
        ]);
        Assert.Equal(new Shape(1, 22, 48, 8), model.Predict(Random(1, 28, 28, 1), verbose: 0).Shape);
        Assert.Equal(new Shape(3, 3, 1, 32), ((Conv2D)model.Layers[0]).Kernel!.Shape);
        Assert.Equal(320 + (3 * 1 * 32 * 64 + 64) + (9 * 64 * 2 + 128 * 32 + 32) + (9 * 8 * 32 + 8), model.CountParams());
    }

    [Fact]
    public void ConfigHoldsKerasKeysInKerasOrder()
    {
        var config = new Conv2D(2, 3).GetConfig();
        Assert.Equal(
            ["name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation", "use_bias",
             "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"],
            config.Select(kv => kv.Key).ToArray());
        var depthwise = new DepthwiseConv1D(2).GetConfig();
        Assert.Equal(
            ["name", "trainable", "dtype", "kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation", "use_bias",
             "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer", "depthwise_constraint", "bias_constraint"],
            depthwise.Select(kv => kv.Key).ToArray());
        Assert.IsType<JsonObject>(config["kernel_initializer"]);
    }
}

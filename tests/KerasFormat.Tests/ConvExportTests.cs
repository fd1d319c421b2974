using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// LayerGen's <c>.keras</c> files of the convolution layers, for real Keras to read: every Keras fixture saved again by
/// LayerGen, and one model per layer class built here from the C# constructors (non-default arguments, a random bias),
/// with <c>layergen_predictions.json</c> (inputs and LayerGen's predictions); the built ones also as <c>.weights.h5</c>. The test checks that LayerGen reads its
/// own files back with the same predictions; Scripts/check_layergen_conv_exports.py loads the same files in Keras
/// (set <c>LAYERGEN_CONV_EXPORT_DIR</c> to keep them; the result is recorded in that script's docstring).
/// </summary>
public class ConvExportTests
{
    /// <summary>The models built from C# constructors: name, input shape (no batch), layer.</summary>
    public static IEnumerable<(string Name, int[] Shape, Func<Layer> Make)> Built()
    {
        static Initializer Bias(int seed) => Initializers.RandomNormal(0, 0.5, seed);
        yield return ("lg_conv1d", [9, 2], () => new Conv1D(3, 3, strides: 2, padding: "same", activation: "relu", biasInitializer: Bias(1)));
        yield return ("lg_conv1d_causal", [6, 2], () => new Conv1D(2, 2, padding: "causal", dilationRate: 2, biasInitializer: Bias(2)));
        yield return ("lg_conv2d", [4, 6, 7], () => new Conv2D(4, [3, 2], dilationRate: [1, 2], groups: 2, dataFormat: "channels_first", biasInitializer: Bias(3)));
        yield return ("lg_conv3d", [3, 4, 5, 1], () => new Conv3D(2, 2, padding: "same", biasInitializer: Bias(4)));
        yield return ("lg_conv1d_transpose", [5, 3], () => new Conv1DTranspose(2, 3, strides: 2, padding: "same", biasInitializer: Bias(5)));
        yield return ("lg_conv2d_transpose", [3, 4, 2], () => new Conv2DTranspose(3, 3, strides: 2, outputPadding: 1, biasInitializer: Bias(6)));
        yield return ("lg_conv3d_transpose", [2, 3, 2, 2], () => new Conv3DTranspose(2, [2, 1, 3], strides: [2, 1, 1], activation: "sigmoid", biasInitializer: Bias(7)));
        yield return ("lg_depthwise_conv1d", [3, 7], () => new DepthwiseConv1D(3, depthMultiplier: 2, padding: "same", dataFormat: "channels_first", biasInitializer: Bias(8)));
        yield return ("lg_depthwise_conv2d", [7, 7, 2], () => new DepthwiseConv2D(3, strides: 2, activation: "tanh", biasInitializer: Bias(9)));
        yield return ("lg_separable_conv1d", [9, 3], () => new SeparableConv1D(4, 3, depthMultiplier: 2, dilationRate: 2, biasInitializer: Bias(10)));
        yield return ("lg_separable_conv2d", [2, 6, 6], () => new SeparableConv2D(3, 3, strides: 2, padding: "same", dataFormat: "channels_first", biasInitializer: Bias(11)));
    }

    private static Tensor RandomInput(int[] shape, int seed)
    {
        var dims = new[] { 2 }.Concat(shape).ToArray();
        var s = new Shape(dims);
        var rng = new Random(seed);
        var v = new float[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(v, s);
    }

    private static JsonArray Nested(Tensor t)
    {
        var flat = t.ToFloatArray();
        var dims = t.Shape.Dims.ToArray();
        int index = 0;
        JsonArray Build(int axis)
        {
            var a = new JsonArray();
            for (int i = 0; i < dims[axis]; i++)
            {
                if (axis == dims.Length - 1) a.Add((double)flat[index++]);
                else a.Add(Build(axis + 1));
            }
            return a;
        }
        return Build(0);
    }

    [Fact]
    public void WritesKerasFilesThatLoadBackWithTheSamePredictions()
    {
        string? keep = Environment.GetEnvironmentVariable("LAYERGEN_CONV_EXPORT_DIR");
        string dir = keep ?? Directory.CreateTempSubdirectory("layergen-conv-export-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            var cases = new JsonObject();
            int seed = 100;
            foreach (var (name, shape, make) in Built())
            {
                Keras.ClearSession();
                RandomGenerator.SetGlobalSeed(seed);
                var model = new Sequential([new InputLayer(shape: new Shape(shape)), make()]) { Name = name };
                var x = RandomInput(shape, seed++);
                var y = model.Predict(x, verbose: 0);
                model.Save(Path.Combine(dir, name + ".keras"));
                model.SaveWeights(Path.Combine(dir, name + ".weights.h5"));
                cases[name] = new JsonObject { ["x"] = Nested(x), ["y"] = Nested(y) };
            }
            foreach (var c in ConvFixtureTests.Names(ConvFixtureTests.Keras315))
            {
                var model = Model.Load(ConvFixtureTests.PathOf(ConvFixtureTests.Keras315, c + ".keras"));
                var x = ConvFixtureTests.Input(ConvFixtureTests.Case(ConvFixtureTests.Keras315, c));
                model.Save(Path.Combine(dir, "resaved_" + c + ".keras"));
                cases["resaved_" + c] = new JsonObject { ["x"] = Nested(x), ["y"] = Nested(model.Predict(x, verbose: 0)) };
            }
            File.WriteAllText(Path.Combine(dir, "layergen_predictions.json"), new JsonObject { ["cases"] = cases }.ToJsonString());

            Assert.Equal(11 + ConvFixtureTests.Names(ConvFixtureTests.Keras315).Count(), cases.Count);
            foreach (var (name, value) in cases)
            {
                var back = Model.Load(Path.Combine(dir, name + ".keras"));
                var x = value!["x"]!;
                var xDims = new List<int>();
                for (JsonNode? n = x; n is JsonArray a; n = a[0]) xDims.Add(a.Count);
                var xt = Tensor.From<float>(Fixture.Flat(x), new Shape([.. xDims]));
                Fixture.Close(Fixture.Flat(value["y"]), back.Predict(xt, verbose: 0).ToFloatArray(), 1e-6f);
                if (File.Exists(Path.Combine(dir, name + ".weights.h5")))
                {
                    back.SetWeights([.. back.GetWeights().Select(w => Tensor.Zeros(w.Shape))]);
                    back.LoadWeights(Path.Combine(dir, name + ".weights.h5"));
                    Fixture.Close(Fixture.Flat(value["y"]), back.Predict(xt, verbose: 0).ToFloatArray(), 1e-6f);
                }
            }
        }
        finally
        {
            if (keep is null) Directory.Delete(dir, true);
        }
    }
}

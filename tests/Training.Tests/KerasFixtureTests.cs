using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>One Adam step of a real Keras 3 run (tests/Training.Tests/Fixtures, copied from the shared Keras fixtures).</summary>
public class KerasFixtureTests
{
    private static JsonObject Load(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!;

    internal static Tensor ToTensor(JsonNode node)
    {
        if (node is JsonValue v) return Tensor.Scalar(v.GetValue<double>(), DType.Float32);
        var arr = (JsonArray)node;
        if (arr.Count > 0 && arr[0] is JsonArray)
        {
            var rows = arr.Select(r => ((JsonArray)r!).Select(x => (float)x!.GetValue<double>()).ToArray()).ToArray();
            var m = new float[rows.Length, rows[0].Length];
            for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
            return Tensor.From(m);
        }
        return Tensor.From(arr.Select(x => (float)x!.GetValue<double>()).ToArray());
    }

    internal static void AssertClose(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToFloatArray();
        var a = actual.ToFloatArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol, $"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
    }

    private static (Sequential Model, Dense D1, Dense D2) Build(JsonObject r)
    {
        var d1 = new Dense(3, activation: "relu");
        var d2 = new Dense(2);
        var model = new Sequential([new InputLayer(shape: [3]), d1, d2]);
        var w = (JsonArray)r["plain_weights"]!;
        d1.Kernel!.Assign(ToTensor(w[0]!));
        d1.Bias!.Assign(ToTensor(w[1]!));
        d2.Kernel!.Assign(ToTensor(w[2]!));
        d2.Bias!.Assign(ToTensor(w[3]!));
        return (model, d1, d2);
    }

    [Theory]
    [InlineData("keras-3.15.1-numpy-adam.json")]
    [InlineData("keras-3.11.3-torch-adam.json")]
    public void AdamStepMatchesKeras(string file)
    {
        var r = Load(file);
        var (model, d1, d2) = Build(r);
        var x = ToTensor(r["x"]!);
        var y = ToTensor(r["y"]!);
        var adam = new Adam(learningRate: r["learning_rate"]!.GetValue<double>());
        model.Compile(adam, "mse");
        AssertClose(ToTensor(r["plain_predict"]!), model.Predict(x, verbose: 0), 1e-6, "plain_predict");
        var before = model.Evaluate(x, y, verbose: 0)["loss"];
        Assert.Equal(r["loss_before"]!.GetValue<double>(), before, 5);

        model.Fit(x, y, batchSize: 2, epochs: 1, shuffle: false, verbose: 0);

        var w = (JsonArray)r["fit1_weights"]!;
        AssertClose(ToTensor(w[0]!), d1.Kernel!, 1e-6, "dense kernel");
        AssertClose(ToTensor(w[1]!), d1.Bias!, 1e-6, "dense bias");
        AssertClose(ToTensor(w[2]!), d2.Kernel!, 1e-6, "dense_1 kernel");
        AssertClose(ToTensor(w[3]!), d2.Bias!, 1e-6, "dense_1 bias");
        AssertClose(ToTensor(r["fit1_predict"]!), model.Predict(x, verbose: 0), 1e-6, "fit1_predict");

        var ov = (JsonObject)r["fit1_optimizer_variables"]!;
        Assert.Equal(1L, adam.Iterations.ToScalar<long>());
        Assert.Equal(ov["adam/iteration"]!.GetValue<long>(), adam.Iterations.ToScalar<long>());
        Assert.Equal(ov["adam/learning_rate"]!.GetValue<double>(), adam.LearningRate, 7);
        (string Key, Variable V)[] slots =
        [
            ("sequential_dense_kernel", d1.Kernel!), ("sequential_dense_bias", d1.Bias!),
            ("sequential_dense_1_kernel", d2.Kernel!), ("sequential_dense_1_bias", d2.Bias!),
        ];
        foreach (var (key, v) in slots)
        {
            AssertClose(ToTensor(ov[$"adam/{key}_momentum"]!), adam.GetSlot(v, "momentum"), 1e-6, key + " momentum");
            AssertClose(ToTensor(ov[$"adam/{key}_velocity"]!), adam.GetSlot(v, "velocity"), 1e-6, key + " velocity");
        }
    }
}

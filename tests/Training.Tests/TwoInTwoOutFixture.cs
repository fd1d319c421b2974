using LayerGen.Layers;

namespace LayerGen.Training.Tests;

/// <summary>
/// The 2-input/2-output functional graph the multi-IO tests train (inputs <c>in_a</c> (4) and <c>in_b</c> (3); outputs
/// <c>dense_2</c>, a regression of 2 over the concatenated branches, and <c>dense_3</c>, a softmax of 3 over their sum)
/// and matching random data.
/// </summary>
internal static class TwoInTwoOutFixture
{
    /// <summary>A fresh session's inputs and outputs (layer names start again at dense).</summary>
    public static (Tensor[] Inputs, Tensor[] Outputs) Graph()
    {
        Keras.ClearSession();
        var a = Keras.Input([4], name: "in_a");
        var b = Keras.Input([3], name: "in_b");
        var ha = new Dense(6, activation: "relu").Invoke(a);
        var hb = new Dense(6, activation: "tanh").Invoke(b);
        var reg = new Dense(2).Invoke(new Concatenate().Invoke([ha, hb]));               // dense_2
        var cls = new Dense(3, activation: "softmax").Invoke(new Add().Invoke([ha, hb])); // dense_3
        return ([a, b], [reg, cls]);
    }

    /// <summary><paramref name="n"/> rows of both inputs, a normal regression target and one-hot classes (row i is class i % 3).</summary>
    public static (Tensor[] X, Tensor[] Y) Data(int n, int seed)
    {
        var g = new RandomGenerator(seed);
        var xa = Tensor.RandomNormal([n, 4], generator: g);
        var xb = Tensor.RandomNormal([n, 3], generator: g);
        var y1 = Tensor.RandomNormal([n, 2], generator: g);
        var labels = new float[n * 3];
        for (int i = 0; i < n; i++) labels[i * 3 + i % 3] = 1;
        return ([xa, xb], [y1, Tensor.From<float>(labels, [n, 3])]);
    }
}

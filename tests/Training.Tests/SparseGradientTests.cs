using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// An Embedding's (a Gather's) eager gradient is an <see cref="IndexedSlices"/>: it reads as the dense scatter-add, and
/// every built-in optimizer applies it from its rows without making it dense, giving bit for bit the weights and
/// slots the dense gradient gives. Clipping needs the dense values, so it falls back to them.
/// </summary>
public class SparseGradientTests
{
    private const int Rows = 37, Width = 10; // a width that leaves a vector tail on every CPU

    private static readonly int[][] Ids = [[3, 7, 3, 0, 36], [7, 7, 12, 5, 1], [20, 3, 36, 36, 9]];

    private static float[] Table(int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, Rows * Width).Select(_ => (float)(r.NextDouble() * 2 - 1))];
    }

    /// <summary>The gradient of <c>sum(gather(table, ids) * weights)</c> (weights vary per element, so repeated ids add distinct rows).</summary>
    private static Tensor Gradient(Variable table, int[] ids)
    {
        var weights = Tensor.From<float>([.. Enumerable.Range(0, ids.Length * Width).Select(i => MathF.Sin(i * 0.37f + ids[0]))], [ids.Length, Width]);
        using var tape = new GradientTape();
        var loss = Ops.Sum(Ops.Gather(table, Tensor.From<int>(ids, [ids.Length])) * weights);
        return tape.Gradient(loss, table)!;
    }

    [Fact]
    public void GatherGradientIsRowSparseAndReadsAsTheDenseScatterAdd()
    {
        var table = new Variable(Tensor.From<float>(Table(1), [Rows, Width]), name: "embeddings");
        var g = Gradient(table, Ids[1]);
        var slices = Assert.IsType<IndexedSlices>(g);
        Assert.False(slices.IsMaterialized);
        Assert.False(g.IsSymbolic);
        Assert.Equal(new Shape(Rows, Width), g.Shape);
        Assert.Equal(Width, slices.RowWidth);
        Assert.Equal(new Shape(5, Width), slices.Values.Shape);

        var expected = new float[Rows * Width];
        var values = slices.Values.ToArray<float>();
        for (int j = 0; j < Ids[1].Length; j++)
            for (int c = 0; c < Width; c++) expected[Ids[1][j] * Width + c] += values[j * Width + c];
        Assert.Equal(expected, g.ToArray<float>());
        Assert.True(slices.IsMaterialized);
        // an op reading it sees the same values
        Assert.Equal(expected.Sum(), Ops.Sum(Gradient(table, Ids[1])).ToScalar<float>(), 4);
    }

    [Fact]
    public void EmbeddingLayerGradientIsRowSparse()
    {
        var layer = new Embedding(50, 4);
        var ids = Tensor.From<int>([1, 2, 2, 49], [2, 2]);
        using var tape = new GradientTape();
        var loss = Ops.Sum(layer.Invoke(ids));
        var g = tape.Gradient(loss, layer.Embeddings!)!;
        var slices = Assert.IsType<IndexedSlices>(g);
        Assert.Equal(new Shape(2, 2, 4), slices.Values.Shape);
        Assert.Equal(2f, g.ToArray<float>()[2 * 4]);
    }

    public static TheoryData<string> Optimizers() =>
    [
        "sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "adagrad", "rmsprop", "rmsprop-centered-momentum", "adamax", "nadam",
    ];

    private static (Optimizer Optimizer, string[] Slots) Make(string name) => name switch
    {
        "sgd" => (new SGD(learningRate: 0.1), []),
        "sgd-momentum" => (new SGD(learningRate: 0.1, momentum: 0.9), ["momentum"]),
        "sgd-nesterov" => (new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), ["momentum"]),
        "adam" => (new Adam(learningRate: 0.01), ["momentum", "velocity"]),
        "adam-amsgrad" => (new Adam(learningRate: 0.01, amsgrad: true), ["momentum", "velocity", "velocity_hat"]),
        "adamw" => (new AdamW(learningRate: 0.01), ["momentum", "velocity"]),
        "adagrad" => (new Adagrad(learningRate: 0.05), ["accumulator"]),
        "rmsprop" => (new RMSprop(learningRate: 0.01), ["velocity"]),
        "rmsprop-centered-momentum" => (new RMSprop(learningRate: 0.01, momentum: 0.5, centered: true), ["velocity", "momentum", "average_gradient"]),
        "adamax" => (new Adamax(learningRate: 0.01), ["m", "u"]),
        "nadam" => (new Nadam(learningRate: 0.01), ["momentum", "velocity"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void RowSparseUpdatesGiveTheDenseWeightsAndSlots(string name)
    {
        var (sparseOpt, slots) = Make(name);
        var (denseOpt, _) = Make(name);
        var sparseTable = new Variable(Tensor.From<float>(Table(2), [Rows, Width]), name: "embeddings");
        var denseTable = new Variable(Tensor.From<float>(Table(2), [Rows, Width]), name: "embeddings");
        foreach (var ids in Ids)
        {
            var sparse = Gradient(sparseTable, ids);
            var dense = Tensor.From<float>(Gradient(denseTable, ids).ToArray<float>(), [Rows, Width]);
            sparseOpt.Apply([sparse], [sparseTable]);
            denseOpt.Apply([dense], [denseTable]);
            Assert.False(((IndexedSlices)sparse).IsMaterialized); // applied from its rows
        }
        Same(denseTable.ToArray<float>(), sparseTable.ToArray<float>(), name + " weights");
        foreach (var s in slots)
            Same(denseOpt.GetSlot(denseTable, s).ToArray<float>(), sparseOpt.GetSlot(sparseTable, s).ToArray<float>(), $"{name} {s}");
        Assert.Equal(denseOpt.Iterations.ToScalar<long>(), sparseOpt.Iterations.ToScalar<long>());
    }

    [Fact]
    public void ClippingReadsTheDenseGradient()
    {
        var sparseOpt = new Adam(learningRate: 0.01, clipnorm: 0.5);
        var denseOpt = new Adam(learningRate: 0.01, clipnorm: 0.5);
        var sparseTable = new Variable(Tensor.From<float>(Table(3), [Rows, Width]));
        var denseTable = new Variable(Tensor.From<float>(Table(3), [Rows, Width]));
        var sparse = Gradient(sparseTable, Ids[0]);
        sparseOpt.Apply([sparse], [sparseTable]);
        denseOpt.Apply([Tensor.From<float>(Gradient(denseTable, Ids[0]).ToArray<float>(), [Rows, Width])], [denseTable]);
        Assert.True(((IndexedSlices)sparse).IsMaterialized);
        Same(denseTable.ToArray<float>(), sparseTable.ToArray<float>(), "weights");
    }

    [Theory]
    [InlineData("one")]
    [InlineData("two-on-the-same-ids")]
    [InlineData("regularized")]
    public void PlannedAndEagerFitWithAnEmbeddingTrainTheSame(string variant)
    {
        // Both hand the table's gradient to the optimizer row-sparse: the eager step as GatherGrad's IndexedSlices, the
        // planned step as its rows and indices out of the plan.
        var results = new List<float[]>();
        foreach (bool eager in new[] { false, true })
        {
            RandomGenerator.SetGlobalSeed(5);
            var ids = Keras.Input([6], dtype: DType.Int32);
            var h = new Embedding(40, 8, embeddingsRegularizer: variant == "regularized" ? Regularizers.L2(0.01) : null).Invoke(ids);
            if (variant == "two-on-the-same-ids") h = new Add().Invoke([h, new Embedding(40, 8).Invoke(ids)]);
            var model = new Model(ids, new Dense(3, activation: "softmax").Invoke(new GlobalAveragePooling1D().Invoke(h)));
            model.Compile(optimizer: new SGD(learningRate: 0.5, momentum: 0.5), loss: new Losses.SparseCategoricalCrossentropy(), runEagerly: eager);
            var r = new Random(9);
            var x = Tensor.From<int>([.. Enumerable.Range(0, 64 * 6).Select(_ => r.Next(40))], [64, 6]);
            var y = Tensor.From<int>([.. Enumerable.Range(0, 64).Select(_ => r.Next(3))], [64]);
            model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
            Assert.Null(model.TraceFailure);
            results.Add([.. model.GetWeights().SelectMany(w => w.ToArray<float>())]);
        }
        for (int j = 0; j < results[0].Length; j++) Assert.Equal(results[0][j], results[1][j], 5);
    }

    private static void Same(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]), $"{what}[{j}]: expected {expected[j]:R}, got {actual[j]:R}");
    }
}

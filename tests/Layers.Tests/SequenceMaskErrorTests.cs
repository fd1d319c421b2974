namespace LayerGen.Layers.Tests;

/// <summary>
/// Issue 17's "masks whose shape does not match": the recurrent layers, Bidirectional and TimeDistributed refuse a mask
/// that does not fit their inputs with a <see cref="ShapeMismatchException"/> naming the layer and both shapes.
/// </summary>
public class SequenceMaskErrorTests
{
    private static Tensor Random(int seed, params int[] dims)
    {
        var shape = new Shape(dims);
        var values = new float[shape.Size];
        var rng = new Random(seed);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(values, shape);
    }

    [Fact]
    public void AMaskOfOtherStepsOrBatchNamesTheLayerAndBothShapes()
    {
        var x = Random(1, 2, 4, 3);
        var steps = Tensor.Ones(new Shape(2, 5), DType.Bool);
        var batch = Tensor.Ones(new Shape(3, 4), DType.Bool);

        var gru = new GRU(2) { Name = "encoder_gru" };
        foreach (var mask in new[] { steps, batch })
        {
            var e = Assert.Throws<ShapeMismatchException>(() => gru.Invoke(x, mask));
            Assert.Contains("encoder_gru", e.Message);
            Assert.Contains(mask.Shape.ToString(), e.Message);
            Assert.Contains("(2, 4, 3)", e.Message);
        }

        var bi = new Bidirectional(new LSTM(2)) { Name = "both_ways" };
        var b = Assert.Throws<ShapeMismatchException>(() => bi.Invoke(x, steps));
        Assert.Contains("(2, 5)", b.Message);
        Assert.Contains("(2, 4, 3)", b.Message);

        var td = new TimeDistributed(new Dense(2)) { Name = "per_step" };
        var t = Assert.Throws<ShapeMismatchException>(() => td.Invoke(x, steps));
        Assert.Contains("per_step", t.Message);
        Assert.Contains("(2, 5)", t.Message);
        Assert.Contains("(2, 4, 3)", t.Message);

        // The same mask through the initial-state call.
        var lstm = new LSTM(2) { Name = "decoder" };
        var s = Assert.Throws<ShapeMismatchException>(() => lstm.InvokeWithInitialState(x, [Tensor.Zeros(new Shape(2, 2)), Tensor.Zeros(new Shape(2, 2))], steps));
        Assert.Contains("decoder", s.Message);
        Assert.Contains("(2, 5)", s.Message);
    }
}

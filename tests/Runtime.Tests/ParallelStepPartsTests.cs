using LayerGen.Optimizers;
using LayerGen.Training;

namespace LayerGen.Tests;

/// <summary>
/// The parts of a training step that run on the fork-join pool when they are large: an optimizer's update of a large
/// weight (cut into chunks) and Fit's gather of a shuffled batch (cut into groups of rows) give the same bits as the
/// one-thread code.
/// </summary>
public class ParallelStepPartsTests
{
    private static float[] Values(Random r, int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("sgd")]
    public void ALargeWeightUpdatedInChunksMatchesItsSlicesUpdatedOneByOne(string name)
    {
        // 200,707 weights: chunked (≥ 2 × UpdateLanes.ChunkLength), with a partial last vector. The same values as four
        // variables of about 50,000 each (below the threshold: one thread) must end with the same bits after three steps.
        const int n = 200_707;
        Assert.True(n >= 2 * UpdateLanes.ChunkLength);
        var r = new Random(5);
        var w0 = Values(r, n);
        var grads = Enumerable.Range(0, 3).Select(_ => Values(r, n)).ToArray();
        int[] cuts = [0, 50_000, 100_003, 150_000, n];
        Assert.All(cuts.Zip(cuts.Skip(1)), c => Assert.True(c.Second - c.First < 2 * UpdateLanes.ChunkLength));

        var whole = new Variable(Tensor.From<float>(w0, [n]));
        var parts = cuts.Zip(cuts.Skip(1)).Select(c => new Variable(Tensor.From<float>(w0[c.First..c.Second], [c.Second - c.First]))).ToArray();
        var big = Optimizer.Get(name);
        var small = Optimizer.Get(name);
        foreach (var g in grads)
        {
            big.Apply([Tensor.From<float>(g, [n])], [whole]);
            small.Apply([.. cuts.Zip(cuts.Skip(1)).Select(c => (Tensor?)Tensor.From<float>(g[c.First..c.Second], [c.Second - c.First]))], parts);
        }
        var expected = parts.SelectMany(p => p.ToArray<float>()).ToArray();
        Assert.Equal(expected, whole.ToArray<float>());
        Assert.NotEqual(w0, whole.ToArray<float>());
    }

    [Fact]
    public void AParallelGatherOfShuffledRowsMatchesTheRowByRowCopy()
    {
        var r = new Random(3);
        var source = Tensor.From<float>(Values(r, 1000 * 784), [1000, 784]);
        var order = Enumerable.Range(0, 1000).OrderBy(_ => r.Next()).ToArray();
        var buffers = new BatchBuffers { Enabled = true };
        foreach (int rows in new[] { 128, 96, 200 })
        {
            var rowsSpan = order.AsSpan(17, rows);
            var expected = BatchBuffers.GatherNew(source, rowsSpan).ToArray<float>();
            Assert.Equal(expected, buffers.Gather(source, rowsSpan).ToArray<float>());
        }
        var bad = new[] { 3, 1000, 5 }.Concat(Enumerable.Range(0, 125)).ToArray();
        var e = Assert.Throws<IndexOutOfRangeException>(() => buffers.Gather(source, bad));
        Assert.Contains("row 1000", e.Message);
    }
}

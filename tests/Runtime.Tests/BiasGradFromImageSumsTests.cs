using LayerGen.Graphs;
using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// A conv layer's bias gradient planned from the per-image sums the fused MaxPoolGrad + ReluGrad pass writes
/// (<see cref="BiasGradFromImageSumsStep"/>): the same bits as the eager (unfused) ReduceToLike, whose column sums add
/// each image's rows from +0 and then the images in order (<see cref="ColumnSums.AddBlocks"/>).
/// </summary>
public class BiasGradFromImageSumsTests
{
    [Theory]
    [InlineData(5, 7, 32)]
    [InlineData(3, 100, 16)]
    [InlineData(4, 1, 48)]
    [InlineData(2, 9, 1100)]
    public void SumOverLeadingAxesAddsImageSumsInOrder(int images, int rowsPerImage, int channels)
    {
        var rng = new Random(images * 1000 + rowsPerImage);
        var x = new float[images * rowsPerImage * channels];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * (i % 5 == 0 ? 1000f : 1f);
        // The reference: each image's rows added in order from +0, then the images' sums in order from +0 (rows in
        // order throughout when the rows are wider than the blocked limit).
        var expected = new float[channels];
        if (channels > ColumnSums.MaxBlockedInner)
            for (int row = 0; row < images * rowsPerImage; row++)
                for (int j = 0; j < channels; j++) expected[j] += x[row * channels + j];
        else
            for (int n = 0; n < images; n++)
            {
                var s = new float[channels];
                for (int r = 0; r < rowsPerImage; r++)
                    for (int j = 0; j < channels; j++) s[j] += x[(n * rowsPerImage + r) * channels + j];
                for (int j = 0; j < channels; j++) expected[j] += s[j];
            }
        var t = Tensor.From<float>(x, new Shape(images, rowsPerImage, 1, channels));
        Assert.Equal(expected, Ops.Sum(t, [0, 1, 2]).ToArray<float>());
        Assert.Equal(expected, Ops.ReduceToLike(t, Tensor.Zeros([channels])).ToArray<float>());
    }

    [Theory]
    [InlineData(40, 30, 32)] // 40 images of 28×28×32 conv outputs: both threads, 14×14 windows cover all
    [InlineData(3, 9, 16)]   // 7×7 → 3×3 pooled: a row and a column no window covers
    public void PlannedBiasGradientFromThePoolPassEqualsEagerBitForBit(int batch, int size, int filters)
    {
        var c = new ConvReluPoolCase(21, batch, size, filters);
        var plan = c.Plan;
        Assert.Contains(plan.Steps, s => s is BiasGradFromImageSumsStep);
        Assert.Contains(plan.Steps, s => s is MaxPoolReluGradStep);
        c.AssertPlannedEqualsEager();
    }
}

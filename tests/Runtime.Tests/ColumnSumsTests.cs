using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>The column-sum fast path of <c>Sum</c> over leading axes (bias gradients) against the general reduction, bit for bit.</summary>
public class ColumnSumsTests
{
    [Theory]
    [InlineData(1000, 16)]
    [InlineData(777, 32)]
    [InlineData(301, 40)]
    [InlineData(129, 64)]
    [InlineData(65, 100)]
    [InlineData(33, 200)]
    public void EqualsTheGeneralReductionBitwise(int rows, int inner)
    {
        var rng = new Random(rows * 31 + inner);
        var x = new float[rows * inner];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * (i % 7 == 0 ? 1000f : 1f);
        var expected = new float[inner];
        Reduce.Run<float>(x, new Shape(rows, inner), [true, false], expected, TensorPrimitives.Sum, TensorPrimitives.Add, static (a, b) => a + b);
        var actual = new float[inner];
        ColumnSums.Add(x, inner, actual);
        Assert.Equal(expected, actual);
        // Through the op: a bias gradient's shape (leading axes summed), as ReduceToLike runs it.
        var t = Tensor.From<float>(x, new Shape(rows, 1, inner));
        Assert.Equal(expected, Ops.Sum(t, [0, 1]).ToArray<float>());
        Assert.Equal(expected, Ops.ReduceToLike(t, Tensor.Zeros([inner])).ToArray<float>());
    }
}

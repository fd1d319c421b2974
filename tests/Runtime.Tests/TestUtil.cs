namespace LayerGen.Tests;

/// <summary>Assertion helpers for tensor values.</summary>
public static class TestUtil
{
    /// <summary>Asserts the tensor's values (any float/int dtype) are within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        var got = actual.ToDoubleArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance || (double.IsNaN(expected[i]) && double.IsNaN(got[i])),
                $"element {i}: expected {expected[i]:R}, got {got[i]:R}");
    }

    /// <summary>A float64 tensor of the given shape and values.</summary>
    public static Tensor D(Shape shape, params double[] values) => Tensor.From<double>(values, shape);

    /// <summary>A float32 tensor of the given shape and values.</summary>
    public static Tensor F(Shape shape, params float[] values) => Tensor.From<float>(values, shape);
}

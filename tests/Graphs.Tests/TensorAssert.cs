namespace LayerGen.Graphs.Tests;

/// <summary>Comparisons of tensors shared by the graph tests.</summary>
internal static class TensorAssert
{
    /// <summary>Same shape, and every element within <paramref name="tolerance"/> relative (plus the same absolute) of the expected one.</summary>
    public static void Close(Tensor expected, Tensor actual, string what, double tolerance = 1e-5)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * (1 + Math.Abs(e[i])), $"{what}: element {i} is {a[i]}, expected {e[i]}");
    }
}

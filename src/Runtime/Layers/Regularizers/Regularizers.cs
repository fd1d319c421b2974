namespace LayerGen.Layers;

/// <summary>Factories for the built-in regularizers, with Keras 3's defaults.</summary>
public static class Regularizers
{
    /// <summary><c>l1 * sum(abs(x))</c> (Keras default 0.01).</summary>
    public static Regularizer L1(double l1 = 0.01) => new L1Regularizer(l1);
    /// <summary><c>l2 * sum(square(x))</c> (Keras default 0.01).</summary>
    public static Regularizer L2(double l2 = 0.01) => new L2Regularizer(l2);
    /// <summary>Both penalties (Keras's <c>L1L2</c> defaults are 0.0 for both).</summary>
    public static Regularizer L1L2(double l1 = 0.0, double l2 = 0.0) => new L1L2Regularizer(l1, l2);
}

using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// A projection applied to a weight after each optimizer update, like <c>keras.constraints</c>. Get
/// one from <see cref="Constraints"/>; <see cref="Layer.GetConstraint"/> gives a weight's constraint.
/// </summary>
public abstract class Constraint : KerasObject
{
    /// <summary>Keras's fuzz factor, <c>backend.epsilon()</c>.</summary>
    public const double Epsilon = 1e-7;

    /// <inheritdoc/>
    public override string Module => "keras.constraints";

    /// <summary>The constrained value of <paramref name="w"/> (a new tensor of the same shape and dtype).</summary>
    public abstract Tensor Apply(Tensor w);

    /// <summary>Reads Keras's nested form or a name (<c>"non_neg"</c>).</summary>
    public static Constraint Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return KerasRegistry<Constraint>.Deserialize(node);
    }

    /// <summary>Converts a name to a constraint with default arguments.</summary>
    public static implicit operator Constraint(string name) => KerasRegistry<Constraint>.Get(name);

    /// <summary>Applies <paramref name="f"/>(w, norm along the axis) elementwise, in float64, keeping the dtype.</summary>
    private protected static Tensor MapWithNorms(Tensor w, int axis, Func<double, double, double> f)
    {
        var values = w.ToDoubleArray();
        var shape = w.Shape;
        if (shape.Rank == 0)
        {
            double n = Math.Abs(values[0]);
            return Tensor.FromDoubles([f(values[0], n)], shape, w.DType);
        }
        int a = shape.NormalizeAxis(axis);
        int outer = 1, inner = 1, size = shape[a];
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.Rank; i++) inner *= shape[i];
        var result = new double[values.Length];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < inner; k++)
            {
                double sum = 0;
                for (int j = 0; j < size; j++) { double v = values[(o * size + j) * inner + k]; sum += v * v; }
                double norm = Math.Sqrt(sum);
                for (int j = 0; j < size; j++) { int idx = (o * size + j) * inner + k; result[idx] = f(values[idx], norm); }
            }
        return Tensor.FromDoubles(result, shape, w.DType);
    }
}

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Reshape</c>: <c>(batch, ...)</c> to <c>(batch, *targetShape)</c>; one entry of <c>targetShape</c> may be -1,
/// inferred from the other dimensions.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Reshape
{
    private readonly int[] targetShape;

    /// <summary>Creates the layer.</summary>
    /// <param name="targetShape">The output shape without the batch axis; at most one -1.</param>
    public Reshape(int[] targetShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        string text = PoolingArguments.Text(targetShape);
        if (targetShape.Any(d => d < -1))
            throw new ArgumentException($"Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown dimension. Received: target_shape={text}.", nameof(targetShape));
        if (targetShape.Count(d => d == -1) > 1)
            throw new ArgumentException($"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={text}.", nameof(targetShape));
        this.targetShape = [.. targetShape];
        InputSpec = null;
    }

    /// <summary>The output shape without the batch axis, as given.</summary>
    public IReadOnlyList<int> TargetShape => targetShape;

    /// <summary>Reshapes every sample.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var s = inputs.Shape;
        var resolved = (int[])targetShape.Clone();
        bool inputKnown = true;
        long inputSize = 1;
        for (int a = 1; a < s.Rank; a++)
        {
            if (s[a] == Shape.Unknown) inputKnown = false;
            else inputSize *= s[a];
        }
        int unknownAt = Array.IndexOf(resolved, -1);
        if (inputKnown)
        {
            long known = 1;
            foreach (var d in resolved) if (d != -1) known *= d;
            if (unknownAt < 0 && known != inputSize)
                throw new IncompatibleInputException($"Layer \"{Name}\": The total size of the tensor must be unchanged. Received: input_shape={Tail(s)}, target_shape={PoolingArguments.Text(targetShape)}");
            if (unknownAt >= 0)
            {
                if (known == 0 || inputSize % known != 0)
                    throw new IncompatibleInputException($"Layer \"{Name}\": The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. Received: input_shape={Tail(s)}, target_shape={PoolingArguments.Text(targetShape)}");
                resolved[unknownAt] = (int)(inputSize / known);
            }
            return Ops.Reshape(inputs, [s[0] == Shape.Unknown ? -1 : s[0], .. resolved]);
        }
        if (s[0] != Shape.Unknown) return Ops.Reshape(inputs, [s[0], .. resolved]);
        if (unknownAt < 0) return Ops.Reshape(inputs, [-1, .. resolved]);
        throw new IncompatibleInputException($"Layer \"{Name}\": cannot infer the -1 of target_shape={PoolingArguments.Text(targetShape)} from an input of shape {s}.");
    }

    private static string Tail(Shape s) => "(" + string.Join(", ", Enumerable.Range(1, s.Rank - 1).Select(a => s[a] == Shape.Unknown ? "None" : s[a].ToString(System.Globalization.CultureInfo.InvariantCulture))) + (s.Rank == 2 ? ",)" : ")");
}

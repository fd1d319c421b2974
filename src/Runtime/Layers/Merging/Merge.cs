namespace LayerGen.Layers;

/// <summary>
/// The base of Keras's merge layers (<c>keras.layers.Merge</c>): called on a list of tensors (<c>Invoke([a, b])</c>),
/// built from their shapes (only to check them), and recorded in a functional config as one list argument, as Keras does.
/// Elementwise merges (<see cref="Add"/>, <see cref="Subtract"/>, <see cref="Multiply"/>, <see cref="Average"/>,
/// <see cref="Maximum"/>, <see cref="Minimum"/>) broadcast the shapes past the batch axis as Keras does; inputs of lower
/// rank get size-1 axes inserted after the batch axis first. Masks flow through (Keras's <c>supports_masking</c>): the
/// output's mask is <see cref="ComputeMergeMask"/> of the inputs' masks (<see cref="KerasMask"/>).
/// </summary>
public abstract class Merge : Layer
{
    private bool _reshapeRequired;

    /// <summary>Creates the layer: no input spec (any shapes; <c>Build</c> checks them together).</summary>
    protected Merge() => InputSpec = null;

    /// <summary>Checks the input shapes (Keras's <c>Merge.build</c>) and remembers whether ranks differ.</summary>
    protected void Build(Shape[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        CheckShapes(inputShape);
    }

    /// <summary>The merged tensor.</summary>
    protected Tensor Call(Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
            throw new IncompatibleInputException($"Layer \"{Name}\" ({ClassName}): A merge layer should be called on a list of at least 1 input. Received 0 inputs.");
        if (!_reshapeRequired && inputs.Any(t => t.Rank != inputs[0].Rank)) _reshapeRequired = true;
        if (!_reshapeRequired) return MergeFunction(inputs);
        int maxRank = inputs.Max(t => t.Rank);
        var reshaped = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            for (int r = x.Rank; r < maxRank; r++) x = Ops.ExpandDims(x, 1);
            reshaped[i] = x;
        }
        return MergeFunction(reshaped);
    }

    /// <summary>True: masks pass through merges (Keras's <c>Merge.supports_masking</c>).</summary>
    public override bool SupportsMasking => true;

    /// <summary>The output's mask: <see cref="ComputeMergeMask"/> of the inputs' masks, none when no input has one.</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? masks)
        => masks is null || masks.All(m => m is null) ? null : ComputeMergeMask(inputs, masks);

    /// <summary>
    /// The output's mask from the inputs' masks (<paramref name="masks"/>, null for an unmasked input; at least one is
    /// not null): Keras's <c>Merge.compute_mask</c>, the logical or of the masks, or none when an input has none.
    /// </summary>
    protected virtual Tensor? ComputeMergeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Any(m => m is null)) return null;
        var output = MaskLogic.AsBool(masks[0]!);
        for (int i = 1; i < masks.Count; i++) output = MaskLogic.Or(output, masks[i]!);
        return output;
    }

    /// <summary>Combines the inputs (all of one rank by now).</summary>
    protected abstract Tensor MergeFunction(IReadOnlyList<Tensor> inputs);

    /// <summary>
    /// Checks the shapes before the first call. The default (elementwise merges): at least one input, one batch size,
    /// and the shapes past the batch axis broadcastable (Keras's messages, with the layer, the axis and all the shapes).
    /// </summary>
    protected virtual void CheckShapes(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 1)
            throw Error($"A merge layer should be called on a list of at least 1 input. Received {inputShapes.Count} inputs. Full input_shape received: {ShapeList(inputShapes)}");
        var batchSizes = inputShapes.Where(s => s.Rank > 0 && s[0] != Shape.Unknown).Select(s => s[0]).Distinct().ToList();
        if (batchSizes.Count > 1)
            throw Error($"Cannot merge tensors with different batch sizes. Received tensors with shapes {ShapeList(inputShapes)}");
        var output = Tail(inputShapes[0]);
        for (int i = 1; i < inputShapes.Count; i++) output = ElementwiseShape(output, Tail(inputShapes[i]), inputShapes);
        _reshapeRequired = inputShapes.Select(s => s.Rank).Distinct().Count() != 1;
    }

    private static int[] Tail(Shape s)
    {
        var dims = new int[Math.Max(0, s.Rank - 1)];
        for (int i = 1; i < s.Rank; i++) dims[i - 1] = s[i];
        return dims;
    }

    /// <summary>Keras's <c>_compute_elemwise_op_output_shape</c> (shapes without the batch axis, aligned at the end).</summary>
    private int[] ElementwiseShape(int[] shape1, int[] shape2, IReadOnlyList<Shape> all)
    {
        if (shape1.Length < shape2.Length) (shape1, shape2) = (shape2, shape1);
        if (shape2.Length == 0) return shape1;
        var output = new List<int>(shape1[..^shape2.Length]);
        int offset = shape1.Length - shape2.Length;
        for (int k = 0; k < shape2.Length; k++)
        {
            int i = shape1[offset + k], j = shape2[k];
            if (i == Shape.Unknown || j == Shape.Unknown) output.Add(Shape.Unknown);
            else if (i == 1) output.Add(j);
            else if (j == 1) output.Add(i);
            else if (i != j)
                throw Error($"Inputs have incompatible shapes. Received shapes {TailString(shape1)} and {TailString(shape2)} "
                    + $"(axis {k - shape2.Length} has {i} and {j}; all input shapes: {ShapeList(all)})");
            else output.Add(i);
        }
        return [.. output];
    }

    private static string TailString(int[] dims)
        => "(" + string.Join(", ", dims.Select(d => d == Shape.Unknown ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + (dims.Length == 1 ? ",)" : ")");

    /// <summary>The shapes as Keras prints a list of them: <c>[(None, 3), (None, 4)]</c>.</summary>
    protected static string ShapeList(IReadOnlyList<Shape> shapes) => "[" + string.Join(", ", shapes.Select(s => s.ToString())) + "]";

    /// <summary>An <see cref="IncompatibleInputException"/> naming the layer: <c>Layer "add" (Add): {message}</c>.</summary>
    protected IncompatibleInputException Error(string message) => new($"Layer \"{Name}\" ({ClassName}): {message}");
}

using System.Globalization;

namespace LayerGen.Operations;

/// <summary>
/// Pads with a constant: axis <c>i</c> gets <c>Paddings[i][0]</c> values before and <c>Paddings[i][1]</c>
/// after, like <c>tf.pad(mode="CONSTANT")</c>. The gradient crops (<see cref="PadGradOp"/>).
/// </summary>
[Op("Pad")]
public sealed partial class PadOp : Op
{
    /// <summary>Creates the op; <paramref name="paddings"/> has one [before, after] pair per axis.</summary>
    public PadOp(int[][] paddings, double value)
    {
        ArgumentNullException.ThrowIfNull(paddings);
        Before = new int[paddings.Length];
        After = new int[paddings.Length];
        for (int i = 0; i < paddings.Length; i++)
        {
            var p = paddings[i];
            if (p is null || p.Length != 2 || p[0] < 0 || p[1] < 0)
                throw new ArgumentException($"Pad: paddings[{i}] must be a pair of non-negative numbers [before, after].");
            Before[i] = p[0];
            After[i] = p[1];
        }
        Value = value;
    }

    /// <summary>Values added before each axis.</summary>
    public int[] Before { get; }
    /// <summary>Values added after each axis.</summary>
    public int[] After { get; }
    /// <summary>The fill value.</summary>
    public double Value { get; }

    /// <summary>The op from its attributes as graphs store them (before and after lists): the factory of the generated <c>Create</c>.</summary>
    [OpFactory]
    private static PadOp FromPairs(int[] before, int[] after, double value)
    {
        if (before.Length != after.Length) throw new OpAttributeException("Pad", "after", $"has {after.Length} entries but 'before' has {before.Length}.");
        var pairs = new int[before.Length][];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = [before[i], after[i]];
        return new PadOp(pairs, value);
    }
    /// <inheritdoc/>
    public override string DescribeAttributes()
        => string.Create(CultureInfo.InvariantCulture, $"paddings=[{string.Join(", ", Before.Select((b, i) => $"[{b}, {After[i]}]"))}], value={Value}");

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        if (Before.Length != s.Rank)
            throw new ShapeMismatchException(Name, $"paddings have {Before.Length} pairs but the input of shape {s} has rank {s.Rank}.", s);
        var dims = new int[s.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = s[i] == Shape.Unknown ? Shape.Unknown : s[i] + Before[i] + After[i];
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var r = output.AllocateFilled(Value);
        switch (x.DType)
        {
            case DType.Float32: SliceOp.Copy(default, output.Shape, x.Data<float>(), x.Shape, Before, true, r.Data<float>()); break;
            case DType.Float64: SliceOp.Copy(default, output.Shape, x.Data<double>(), x.Shape, Before, true, r.Data<double>()); break;
            case DType.Int32: SliceOp.Copy(default, output.Shape, x.Data<int>(), x.Shape, Before, true, r.Data<int>()); break;
            case DType.Int64: SliceOp.Copy(default, output.Shape, x.Data<long>(), x.Shape, Before, true, r.Data<long>()); break;
            case DType.Bool: SliceOp.Copy(default, output.Shape, x.Data<bool>(), x.Shape, Before, true, r.Data<bool>()); break;
        }
        return r;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [OpRunner.Run(new PadGradOp(Before, After), g)];
}

/// <summary>The gradient of <see cref="PadOp"/>: crops <see cref="Before"/>/<see cref="After"/> off each axis.</summary>
[Op("PadGrad")]
public sealed partial class PadGradOp(int[] before, int[] after) : Op
{
    /// <summary>Values cropped before each axis.</summary>
    public int[] Before { get; } = before;
    /// <summary>Values cropped after each axis.</summary>
    public int[] After { get; } = after;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        if (Before.Length != s.Rank)
            throw new ShapeMismatchException(Name, $"paddings have {Before.Length} pairs but the gradient of shape {s} has rank {s.Rank}.", s);
        var dims = new int[s.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = s[i] == Shape.Unknown ? Shape.Unknown : s[i] - Before[i] - After[i];
            if (dims[i] < Shape.Unknown || (s[i] != Shape.Unknown && dims[i] < 0))
                throw new ShapeMismatchException(Name, $"cannot crop [{Before[i]}, {After[i]}] from axis {i} of shape {s}.", s);
        }
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => new SliceOp(Before, output.Shape.ToArray()).Compute(inputs, output);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var pairs = new int[Before.Length][];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = [Before[i], After[i]];
        return [Ops.Pad(g, pairs)];
    }
}

public static partial class Ops
{
    /// <summary>Pads <paramref name="x"/> with <paramref name="value"/>: <paramref name="paddings"/>[i] = [before, after] for axis i.</summary>
    public static Tensor Pad(Tensor x, int[][] paddings, double value = 0) => OpRunner.Run(new PadOp(paddings, value), x);

    /// <summary>Pads <paramref name="x"/> with <paramref name="value"/>: row i of <paramref name="paddings"/> (shape [rank, 2]) is [before, after] for axis i.</summary>
    public static Tensor Pad(Tensor x, int[,] paddings, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(paddings);
        if (paddings.GetLength(1) != 2) throw new ArgumentException($"Pad: paddings must have shape [rank, 2], got [{paddings.GetLength(0)}, {paddings.GetLength(1)}].");
        var pairs = new int[paddings.GetLength(0)][];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = [paddings[i, 0], paddings[i, 1]];
        return Pad(x, pairs, value);
    }
}

using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Sums <c>x</c> down to the shape of <c>like</c>, undoing broadcasting: the gradient of every
/// broadcasting op uses it. The axes are found from the concrete shapes when it runs, so it also
/// works in graphs with unknown dimensions.
/// </summary>
[Op("ReduceToLike")]
public sealed partial class ReduceToLikeOp : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <inheritdoc/>
    internal override bool IsViewFor(ReadOnlySpan<TensorSpec> inputs, TensorSpec output) => inputs[0].Shape == output.Shape;
    /// <summary>The shared instance.</summary>
    public static readonly ReduceToLikeOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        // like must broadcast to x
        var b = Elementwise.BroadcastShapes(Name, inputs[0].Shape, inputs[1].Shape);
        if (b.Rank != inputs[0].Shape.Rank || !b.IsCompatibleWith(inputs[0].Shape))
            throw new ShapeMismatchException(Name, $"shape {inputs[1].Shape} does not broadcast to {inputs[0].Shape}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        if (x.Shape == output.Shape) return Tensor.Reinterpret(x, x.Shape);
        // The sum keeps the reduced axes (same values in the same order as the output's shape): it writes into the
        // output's buffer (a plan's, when offered) seen with that shape.
        var result = output.Allocate(zeroed: false);
        var (sum, kept) = output.Planned is not null ? PlannedSum(x.Shape, result) : EagerSum(x.Shape, result);
        var summed = sum.Compute([x], new KernelOutput(kept.Spec, kept));
        return summed.SharesStorageWith(result) ? result : Tensor.Reinterpret(summed, output.Shape);
    }

    /// <summary>An eager run's sum (from the shared cache of recent shape pairs) and its output seen with the kept dims.</summary>
    private (SumOp Sum, Tensor Kept) EagerSum(Shape from, Tensor result)
    {
        var (sum, keptShape) = SumFor(from, result.Shape);
        return (sum, Tensor.Reinterpret(result, keptShape));
    }

    /// <summary>
    /// A planned run's sum and kept-dims view, kept with the plan's buffer (the same tensor on every run of that step,
    /// its own to each step) for as long as the plan holds the buffer. Not in the shared cache of recent pairs: other
    /// graphs (another thread's, another test's) would evict the plan's pair, and the next run would build its sum again,
    /// allocating in a steady-state run.
    /// </summary>
    private (SumOp Sum, Tensor Kept) PlannedSum(Shape from, Tensor buffer)
    {
        if (s_planned.TryGetValue(buffer, out var known) && known.From == from) return (known.Sum, known.Kept);
        var (sum, keptShape) = SumFor(from, buffer.Shape);
        var entry = new PlannedEntry(from, sum, Tensor.Reinterpret(buffer, keptShape));
        s_planned.AddOrUpdate(buffer, entry);
        return (entry.Sum, entry.Kept);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, PlannedEntry> s_planned = new();

    private sealed record PlannedEntry(Shape From, SumOp Sum, Tensor Kept);

    /// <summary>
    /// The sum (and its kept-dims shape) that reduces <paramref name="from"/> to <paramref name="to"/>. The op is shared by
    /// every graph, so a few recent pairs are kept (immutable entries, replaced whole: safe across threads) for eager
    /// runs; a plan keeps its own (<see cref="PlannedSum"/>).
    /// </summary>
    private (SumOp Sum, Shape Kept) SumFor(Shape from, Shape to)
    {
        var cache = _sums;
        for (int i = 0; i < cache.Length; i++)
            if (cache[i] is { } e && e.From == from && e.To == to) return (e.Sum, e.Kept);
        var axes = Axes(from, to);
        var entry = new SumEntry(from, to, new SumOp(axes, keepDims: true), Reduce.OutputShape(Name, from, axes, true, out _));
        cache[(int)((uint)Interlocked.Increment(ref _next) % (uint)cache.Length)] = entry;
        return (entry.Sum, entry.Kept);
    }

    private readonly SumEntry?[] _sums = new SumEntry?[32];
    private int _next;

    private sealed record SumEntry(Shape From, Shape To, SumOp Sum, Shape Kept);

    internal static int[] Axes(Shape from, Shape to)
    {
        var axes = new List<int>();
        int off = from.Rank - to.Rank;
        for (int i = 0; i < from.Rank; i++)
            if (i < off || (to[i - off] == 1 && from[i] != 1)) axes.Add(i);
        return [.. axes];
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.BroadcastToLike(g, inputs[0]), null];
}

public static partial class Ops
{
    /// <summary>Sums <paramref name="x"/> over broadcast axes so it has the shape of <paramref name="like"/>.</summary>
    /// <remarks>
    /// Equal shapes give <paramref name="x"/> itself, also while tracing when both shapes are fully defined: a traced
    /// gradient (a planned training step) then does not keep the forward value <paramref name="like"/> alive for its shape,
    /// which lets a plan fuse the layer that made it (a convolution's bias add reads only its shape in the backward pass).
    /// </remarks>
    public static Tensor ReduceToLike(Tensor x, Tensor like)
        => x.Shape == like.Shape && ((!x.IsSymbolic && !like.IsSymbolic) || x.Shape.IsFullyDefined) ? x : OpRunner.Run(ReduceToLikeOp.Instance, x, like);
}

namespace LayerGen.Operations;

/// <summary>
/// A draw from a counter-based generator: inputs <c>(state, like)</c>, where <c>state</c> is an int64 tensor
/// <c>[seed, counter]</c> and <c>like</c> gives the output's dtype (float32 or float64) and, where <see cref="Shape"/>
/// says so, its dimensions. Element <c>i</c> is a function of <c>(seed, counter, i)</c> only (<c>CounterRandom</c>).
/// When <c>state</c> is a variable (a <c>SeedGenerator</c>'s), each run adds one to its counter after drawing, so an
/// eager call draws fresh values on every call and a traced graph or an <c>ExecutionPlan</c> on every run, the same
/// sequence either way from the same starting state. With an immutable <c>state</c> the op is a pure function.
/// Random ops have no gradient: the ops that use their values have.
/// </summary>
public abstract class RandomOp(int[]? shape) : Op
{
    /// <summary>The output's shape: null for <c>like</c>'s; else one entry per axis of <c>like</c>, -1 for <c>like</c>'s dimension, otherwise the size (1 to share the values along that axis).</summary>
    public int[]? Shape { get; } = shape is null ? null : [.. shape];

    /// <inheritdoc/>
    public override bool HasSideEffects => true;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        var state = inputs[0];
        if (state.DType != DType.Int64 || state.Shape.Rank != 1 || (state.Shape[0] != 2 && state.Shape[0] != LayerGen.Tensors.Shape.Unknown))
            throw new DTypeMismatchException(Name, $"argument state must be an int64 tensor of shape (2,) holding [seed, counter], got {state.DType.Name()} with shape {state.Shape}.");
        var like = inputs[1];
        ExpectFloating(like, "like");
        if (Shape is null) return new(like.Shape, like.DType);
        if (Shape.Length != like.Shape.Rank)
            throw new ShapeMismatchException(Name, $"shape [{string.Join(", ", Shape)}] has {Shape.Length} entries but like has rank {like.Shape.Rank} (shape {like.Shape}).", like.Shape);
        var dims = new int[Shape.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (Shape[i] < -1) throw new ArgumentException($"{Name}: shape entries must be -1 (like's dimension) or sizes >= 0, got [{string.Join(", ", Shape)}].");
            dims[i] = Shape[i] == -1 ? like.Shape[i] : Shape[i];
        }
        return new(new LayerGen.Tensors.Shape(dims), like.DType);
    }

    /// <inheritdoc/>
    public sealed override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var state = inputs[0];
        var sc = state.AsSpan<long>();
        long seed = sc[0], counter = sc[1];
        var r = output.Allocate(zeroed: false);
        Fill(Kernels.CounterRandom.Key(seed, counter), r);
        if (state.IsMutable)
        {
            state.Data<long>()[1] = counter + 1;
            state.MarkChanged();
        }
        return r;
    }

    /// <summary>Writes every element of <paramref name="output"/> (float32 or float64) from the draw with <paramref name="key"/>.</summary>
    private protected abstract void Fill(ulong key, Tensor output);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output) => [null, null];
}

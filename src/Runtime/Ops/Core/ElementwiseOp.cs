using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Shape rule shared by binary elementwise ops: same dtypes, NumPy broadcasting.</summary>
public abstract class BinaryElementwiseOp : Op
{
    /// <summary>Whether the op only accepts float32/float64 (pow, for instance).</summary>
    protected virtual bool FloatOnly => false;

    /// <summary>The output dtype for inputs of <paramref name="input"/> (bool for comparisons).</summary>
    protected virtual DType ResultDType(DType input) => input;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        if (FloatOnly) ExpectFloating(inputs[0]);
        return new TensorSpec(Elementwise.BroadcastShapes(Name, inputs[0].Shape, inputs[1].Shape), ResultDType(inputs[0].DType));
    }
}

/// <summary>Shape rule shared by unary elementwise ops: the output has the input's shape and dtype.</summary>
public abstract class UnaryElementwiseOp : Op
{
    /// <summary>Whether the op only accepts float32/float64.</summary>
    protected virtual bool FloatOnly => true;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        if (FloatOnly) ExpectFloating(inputs[0]); else ExpectNumeric(inputs[0]);
        return inputs[0];
    }
}

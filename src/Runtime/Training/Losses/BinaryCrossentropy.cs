namespace LayerGen.Losses;

/// <summary>
/// Binary cross-entropy averaged over the last axis. On probabilities they are clipped to
/// [1e-7, 1 - 1e-7] (Keras); <c>fromLogits</c> uses the stable <c>relu(x) - x z + softplus(-|x|)</c>.
/// <c>labelSmoothing</c> moves targets toward 0.5.
/// </summary>
[KerasSerializable("binary_crossentropy", Package = "keras.losses")]
public sealed partial class BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, string reduction = "sum_over_batch_size", string name = "binary_crossentropy") : Loss(name, reduction)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Label smoothing in [0, 1].</summary>
    public double LabelSmoothing { get; } = labelSmoothing;
    /// <summary>The axis averaged over.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        if (LabelSmoothing != 0) yTrue = Ops.Add(Ops.Mul(yTrue, C(1 - LabelSmoothing, yTrue)), C(0.5 * LabelSmoothing, yTrue));
        return Ops.Mean(Elementwise(yTrue, yPred, FromLogits), Axis);
    }

    internal static Tensor Elementwise(Tensor target, Tensor output, bool fromLogits)
    {
        if (fromLogits)
        {
            // relu(x) and -|x| written with one Where on x >= 0 (as tf.nn.sigmoid_cross_entropy_with_logits), so at
            // x = 0 their gradients are 1 and -1, not 0 and 0: the gradient is sigmoid(x) - z everywhere, 0.5 - z at 0.
            var nonNegative = Ops.GreaterEqual(output, C(0, output));
            var reluX = Ops.Where(nonNegative, output, C(0, output));
            var negAbsX = Ops.Where(nonNegative, Ops.Neg(output), output);
            return Ops.Add(Ops.Sub(reluX, Ops.Mul(output, target)), Ops.Softplus(negAbsX));
        }
        var p = Ops.Clip(output, Epsilon, 1 - Epsilon);
        var bce = Ops.Add(Ops.Mul(target, Ops.Log(p)), Ops.Mul(Ops.Sub(C(1, target), target), Ops.Log(Ops.Sub(C(1, p), p))));
        return Ops.Neg(bce);
    }
}

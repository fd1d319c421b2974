namespace LayerGen.Losses;

/// <summary>Huber: <c>0.5 e²</c> where <c>|e| ≤ delta</c>, else <c>delta |e| - 0.5 delta²</c>; averaged over the last axis.</summary>
[KerasSerializable("huber", "huber_loss", Package = "keras.losses")]
public sealed partial class Huber(double delta = 1.0, string reduction = "sum_over_batch_size", string name = "huber_loss") : Loss(name, reduction)
{
    /// <summary>The switch point between the quadratic and linear parts.</summary>
    public double Delta { get; } = delta;
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        var error = Ops.Sub(yPred, yTrue);
        var abs = Ops.Abs(error);
        var half = C(0.5, error);
        var d = C(Delta, error);
        var quadratic = Ops.Mul(half, Ops.Square(error));
        var linear = Ops.Sub(Ops.Mul(d, abs), Ops.Mul(half, Ops.Square(d)));
        return Ops.Mean(Ops.Where(Ops.LessEqual(abs, d), quadratic, linear), -1);
    }
}

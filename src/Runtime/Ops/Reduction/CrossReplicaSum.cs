using System.Numerics.Tensors;

namespace LayerGen.Operations;

/// <summary>
/// The sum of <c>x</c> over all replicas of a data-parallel job (tf.distribute's <c>replica_ctx.all_reduce(SUM, x)</c>;
/// the identity without one, see <see cref="ReplicaContext"/>): what <c>BatchNormalization(synchronized: true)</c>
/// computes its global batch statistics with. Every replica gets the same bits.
/// <para>
/// Gradient. Each replica r minimises its own loss L_r over its rows, and the gradients of the variables are averaged
/// with weights w_r (the replica's share of the global batch), so the objective is <c>sum_r w_r L_r</c>. The output
/// feeds every replica's loss, so the gradient of the input on replica r is <c>sum_s w_s g_s / w_r</c>, g_s replica
/// s's upstream gradient (the sum of the g_s for equal shares): the <see cref="Adjoint"/> op, itself a cross-replica sum.
/// </para>
/// <para>
/// Not in <see cref="OpRegistry"/> and not exported: it needs the live communicator of the job, so a graph holding
/// it can run in this process only (it appears only in traced training steps). It has side effects (a collective:
/// every replica must run it exactly once per step, in the same order), so plans never skip or reuse it.
/// </para>
/// </summary>
public sealed class CrossReplicaSumOp : Op
{
    /// <summary>The sum over replicas.</summary>
    public static readonly CrossReplicaSumOp Instance = new(adjoint: false);

    /// <summary>The gradient of <see cref="Instance"/>: <c>sum_s w_s x_s / w_r</c>, w the replicas' shares.</summary>
    public static readonly CrossReplicaSumOp Adjoint = new(adjoint: true);

    private readonly bool _adjoint;

    private CrossReplicaSumOp(bool adjoint) => _adjoint = adjoint;

    /// <inheritdoc/>
    public override string Name => _adjoint ? "CrossReplicaSumGrad" : "CrossReplicaSum";

    /// <inheritdoc/>
    public override bool HasSideEffects => true;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectFloating(inputs[0]);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var result = output.Allocate(zeroed: false);
        var replicas = ReplicaContext.Current;
        bool reduce = replicas is { ReplicaCount: > 1 };
        double share = reduce ? replicas!.LocalShare : 1;
        if (x.DType == DType.Float32)
        {
            var d = result.Data<float>();
            x.AsSpan<float>().CopyTo(d);
            if (reduce)
            {
                if (_adjoint) TensorPrimitives.Multiply(d, (float)share, d);
                replicas!.SumInPlace(d);
                if (_adjoint) TensorPrimitives.Divide(d, (float)share, d);
            }
        }
        else
        {
            var d = result.Data<double>();
            x.AsSpan<double>().CopyTo(d);
            if (reduce)
            {
                if (_adjoint) TensorPrimitives.Multiply(d, share, d);
                replicas!.SumInPlace(d);
                if (_adjoint) TensorPrimitives.Divide(d, share, d);
            }
        }
        GC.KeepAlive(x);
        return result;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (_adjoint) throw new NotSupportedException("Second derivatives through a cross-replica sum (a synchronized BatchNormalization) are not supported.");
        return [OpRunner.Run(Adjoint, outputGradient)];
    }
}

public static partial class Ops
{
    /// <summary>The sum of <paramref name="x"/> over all replicas of the data-parallel job (the identity in one process); see <see cref="CrossReplicaSumOp"/>.</summary>
    public static Tensor CrossReplicaSum(Tensor x) => OpRunner.Run(CrossReplicaSumOp.Instance, x);
}

namespace LayerGen.Operations;

/// <summary>
/// The replicas of a data-parallel job as ops see them (tf.distribute's replica context): how many there are, this
/// replica's share of the current global batch, and an in-place sum over all of them. The hook
/// <see cref="ReplicaContext.Current"/> holds it; <c>LayerGen.Distributed.DataParallel</c> fills it, and
/// <see cref="CrossReplicaSumOp"/> (what <c>BatchNormalization(synchronized: true)</c> uses) reads it.
/// Every replica must make the same sums in the same order.
/// </summary>
public interface IReplicaReducer
{
    /// <summary>The number of replicas (ranks).</summary>
    int ReplicaCount { get; }

    /// <summary>This replica's share of the current global batch (its rows over all rows; 1/N for equal parts).</summary>
    double LocalShare { get; }

    /// <summary>Sums <paramref name="values"/> over all replicas, in place; every replica gets the same bits.</summary>
    void SumInPlace(Span<float> values);

    /// <summary>Sums <paramref name="values"/> over all replicas, in place; every replica gets the same bits.</summary>
    void SumInPlace(Span<double> values);
}

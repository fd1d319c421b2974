namespace LayerGen.Operations;

/// <summary>
/// Where ops find the replicas of a data-parallel job (the hook <c>LayerGen.Distributed.DataParallel</c> fills while
/// it lives). Null, or one replica, outside distributed training: cross-replica sums are then the identity.
/// </summary>
public static class ReplicaContext
{
    private static volatile IReplicaReducer? s_current;

    /// <summary>The replicas of the running job, or null in a single process.</summary>
    public static IReplicaReducer? Current
    {
        get => s_current;
        set => s_current = value;
    }

    /// <summary>Whether ops run in a job of more than one replica.</summary>
    public static bool IsDistributed => s_current is { ReplicaCount: > 1 };
}

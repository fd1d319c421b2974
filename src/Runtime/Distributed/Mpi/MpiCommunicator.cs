namespace LayerGen.Distributed;

/// <summary>
/// <c>MPI_COMM_WORLD</c> of an Open MPI job: this process's <see cref="Rank"/> among <see cref="Size"/>, and the
/// collectives data-parallel training needs (sum all-reduce of float32/float64/int64, broadcast, barrier, abort).
/// <see cref="World"/> initialises MPI once (<c>MPI_Init_thread</c>, <c>MPI_THREAD_SERIALIZED</c>; calls are
/// serialised by a lock) and sets <c>MPI_ERRORS_RETURN</c>, so a failed call throws <see cref="MpiException"/>
/// with Open MPI's message instead of aborting; MPI is finalised at <see cref="Shutdown"/> or process exit.
/// Every rank must make the same collective calls in the same order, with the same counts.
/// </summary>
public sealed unsafe class MpiCommunicator
{
    private static readonly Lock InitGate = new();
    private static MpiCommunicator? _world;
    private readonly Lock _gate = new();
    private readonly nint _comm;

    private MpiCommunicator(nint comm, int rank, int size)
    {
        _comm = comm;
        Rank = rank;
        Size = size;
    }

    /// <summary>Whether the MPI library can be loaded on this machine (never throws, never initialises MPI).</summary>
    public static bool IsAvailable => MpiNative.TryLoad(out _);

    /// <summary>
    /// The world communicator; initialises MPI on the first call. Throws <see cref="MpiNotAvailableException"/>
    /// (naming the packages to install) when Open MPI is missing, <see cref="MpiException"/> when initialisation fails.
    /// </summary>
    public static MpiCommunicator World
    {
        get
        {
            lock (InitGate)
            {
                if (_world is not null) return _world;
                MpiNative.EnsureLoaded();
                int flag = 0;
                MpiNative.Check(MpiNative.Finalized(&flag), "MPI_Finalized");
                if (flag != 0) throw new MpiException("MPI was already finalized in this process; it cannot be started again.");
                MpiNative.Check(MpiNative.Initialized(&flag), "MPI_Initialized");
                if (flag == 0)
                {
                    int provided = 0;
                    MpiNative.Check(MpiNative.InitThread(null, 0, MpiNative.ThreadSerialized, &provided), "MPI_Init_thread");
                    AppDomain.CurrentDomain.ProcessExit += static (_, _) => Shutdown();
                }
                var comm = MpiNative.CommWorld;
                MpiNative.Check(MpiNative.CommSetErrhandler(comm, MpiNative.ErrorsReturn), "MPI_Comm_set_errhandler");
                int rank = 0, size = 0;
                MpiNative.Check(MpiNative.CommRank(comm, &rank), "MPI_Comm_rank");
                MpiNative.Check(MpiNative.CommSize(comm, &size), "MPI_Comm_size");
                return _world = new MpiCommunicator(comm, rank, size);
            }
        }
    }

    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the job.</summary>
    public int Size { get; }

    /// <summary>Sums <paramref name="values"/> over all ranks, in place (<c>MPI_Allreduce</c>, <c>MPI_IN_PLACE</c>, <c>MPI_SUM</c>).</summary>
    public void AllReduceSum(Span<float> values) { fixed (float* p = values) AllReduce((nint)p, values.Length, sizeof(float), MpiNative.Float, MpiNative.OpSum); }

    /// <summary>Sums <paramref name="values"/> over all ranks, in place.</summary>
    public void AllReduceSum(Span<double> values) { fixed (double* p = values) AllReduce((nint)p, values.Length, sizeof(double), MpiNative.Double, MpiNative.OpSum); }

    /// <summary>Sums <paramref name="values"/> over all ranks, in place.</summary>
    public void AllReduceSum(Span<long> values) { fixed (long* p = values) AllReduce((nint)p, values.Length, sizeof(long), MpiNative.Int64, MpiNative.OpSum); }

    /// <summary>The largest of each element over all ranks, in place (<c>MPI_MAX</c>).</summary>
    public void AllReduceMax(Span<long> values) { fixed (long* p = values) AllReduce((nint)p, values.Length, sizeof(long), MpiNative.Int64, MpiNative.OpMax); }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank (<c>MPI_Bcast</c>).</summary>
    public void Broadcast(Span<byte> values, int root = 0) { fixed (byte* p = values) Bcast((nint)p, values.Length, 1, MpiNative.Byte, root); }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    public void Broadcast(Span<float> values, int root = 0) { fixed (float* p = values) Bcast((nint)p, values.Length, sizeof(float), MpiNative.Float, root); }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    public void Broadcast(Span<double> values, int root = 0) { fixed (double* p = values) Bcast((nint)p, values.Length, sizeof(double), MpiNative.Double, root); }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    public void Broadcast(Span<long> values, int root = 0) { fixed (long* p = values) Bcast((nint)p, values.Length, sizeof(long), MpiNative.Int64, root); }

    /// <summary>Waits until every rank has called it (<c>MPI_Barrier</c>).</summary>
    public void Barrier()
    {
        lock (_gate) MpiNative.Check(MpiNative.Barrier(_comm), "MPI_Barrier");
    }

    /// <summary>Ends every process of the job with <paramref name="errorCode"/> (<c>MPI_Abort</c>); does not return normally.</summary>
    public void Abort(int errorCode)
    {
        lock (_gate) MpiNative.Check(MpiNative.Abort(_comm, errorCode), "MPI_Abort");
    }

    /// <summary>Finalises MPI (<c>MPI_Finalize</c>) if this process initialised it and it is not finalised yet; safe to call twice.</summary>
    public static void Shutdown()
    {
        lock (InitGate)
        {
            if (!MpiNative.TryLoad(out _)) return;
            int initialized = 0, finalized = 0;
            if (MpiNative.Initialized(&initialized) != MpiNative.Success || initialized == 0) return;
            if (MpiNative.Finalized(&finalized) != MpiNative.Success || finalized != 0) return;
            MpiNative.Check(MpiNative.FinalizeMpi(), "MPI_Finalize");
        }
    }

    // MPI counts are ints: longer buffers go in chunks of at most int.MaxValue / 8 elements.
    private const int MaxChunk = int.MaxValue / 8;

    private void AllReduce(nint data, int count, int elementSize, nint type, nint op)
    {
        lock (_gate)
            for (long start = 0; start < count; start += MaxChunk)
            {
                int n = (int)Math.Min(MaxChunk, count - start);
                MpiNative.Check(MpiNative.Allreduce(MpiNative.InPlace, data + (nint)(start * elementSize), n, type, op, _comm), "MPI_Allreduce");
            }
    }

    private void Bcast(nint data, int count, int elementSize, nint type, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        lock (_gate)
            for (long start = 0; start < count; start += MaxChunk)
            {
                int n = (int)Math.Min(MaxChunk, count - start);
                MpiNative.Check(MpiNative.Bcast(data + (nint)(start * elementSize), n, type, root, _comm), "MPI_Bcast");
            }
    }
}

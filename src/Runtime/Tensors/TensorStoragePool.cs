namespace LayerGen.Tensors;

/// <summary>
/// Reuses the element arrays of large eager op outputs, so a loop of eager ops on multi-megabyte tensors does not
/// pay the garbage collector (large-object allocations, fresh pages, gen-2 collections) for every output. A kernel's
/// output of at least <see cref="MinimumBytes"/> comes from here; its array goes back when no tensor can see it any
/// more (every tensor sharing it is unreachable) and no code was handed a span of it that could outlive the tensors
/// (<see cref="Tensor.AsSpan{T}"/> and the like keep the array out of the pool for good). Nothing changes for user
/// code: tensors stay immutable values with no Dispose. The design and why it is safe:
/// docs/design/tensor-storage.md; the numbers: docs/performance.md.
/// </summary>
public static class TensorStoragePool
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<(DType, int), IdleBucket> Idle = [];
    private static long _clock;
    private static long _idleBytes;
    private static long _sinceCollection;
    private static int _lastGen1Count;
    private static volatile bool _enabled = !(AppContext.TryGetSwitch("LayerGen.Tensors.DisableStoragePool", out bool off) && off);
    private static long _minimumBytes = 1 << 20;
    private static long _maxIdleBytes = 128L << 20;
    private static long _collectionThresholdBytes = 32L << 20;
    private static long _rented, _reused;

    /// <summary>
    /// Whether eager kernels take large outputs from the pool (default true; the AppContext switch
    /// <c>LayerGen.Tensors.DisableStoragePool</c> set to true in the app's runtimeconfig turns it off at start).
    /// Turning it off also drops the idle arrays.
    /// </summary>
    public static bool Enabled
    {
        get => _enabled;
        set
        {
            _enabled = value;
            if (!value) Trim();
        }
    }

    /// <summary>Outputs smaller than this many bytes are ordinary allocations (default 1 MiB: smaller arrays are cheap generation-0 objects).</summary>
    public static long MinimumBytes
    {
        get => Interlocked.Read(ref _minimumBytes);
        set => Interlocked.Exchange(ref _minimumBytes, Math.Max(1, value));
    }

    /// <summary>
    /// At most this many bytes of idle arrays are kept (default 128 MiB). When a returned array does not fit, the idle
    /// arrays of the sizes used least recently make room for it (a process whose shapes change keeps the sizes it uses
    /// now, not the first ones that filled the pool); an array larger than the limit is left to the GC.
    /// </summary>
    public static long MaxIdleBytes
    {
        get => Interlocked.Read(ref _maxIdleBytes);
        set => Interlocked.Exchange(ref _maxIdleBytes, Math.Max(0, value));
    }

    /// <summary>
    /// After this many bytes of pooled outputs handed out (and not escaped) with no generation-1 collection in between,
    /// the pool asks for one (default 32 MiB). Arrays come back only when a collection finds their tensors unreachable:
    /// the GC does not know that a small tensor object holds megabytes, so without this the pool would wait for the
    /// much rarer collections that small allocations cause. A generation-1 collection of a heap whose large arrays
    /// hold no references costs far less than the fresh pages of one multi-megabyte allocation.
    /// </summary>
    public static long CollectionThresholdBytes
    {
        get => Interlocked.Read(ref _collectionThresholdBytes);
        set => Interlocked.Exchange(ref _collectionThresholdBytes, Math.Max(1, value));
    }

    /// <summary>Bytes of idle arrays the pool holds now.</summary>
    public static long IdleBytes
    {
        get { lock (Gate) return _idleBytes; }
    }

    /// <summary>Pooled outputs handed out since the process started (reused or new arrays).</summary>
    public static long RentCount => Interlocked.Read(ref _rented);

    /// <summary>Of <see cref="RentCount"/>, how many reused an idle array.</summary>
    public static long ReuseCount => Interlocked.Read(ref _reused);

    /// <summary>Drops every idle array (the GC reclaims them); arrays in use are not affected.</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            Idle.Clear();
            _idleBytes = 0;
        }
    }

    /// <summary>An array of <paramref name="length"/> elements of <paramref name="dtype"/> with its lease, or null when the output is not pooled (small, or the pool is off). The contents are arbitrary.</summary>
    internal static StorageLease? Rent(DType dtype, int length)
    {
        long bytes = (long)length * dtype.SizeInBytes();
        if (!_enabled || bytes < MinimumBytes) return null;
        Array? array = null;
        lock (Gate)
        {
            if (Idle.TryGetValue((dtype, length), out var bucket) && bucket.Arrays.Count > 0)
            {
                bucket.LastUse = ++_clock;
                array = bucket.Arrays.Pop();
                _idleBytes -= bytes;
            }
        }
        Interlocked.Increment(ref _rented);
        if (array is not null) Interlocked.Increment(ref _reused);
        CollectWhenDue(bytes);
        return new StorageLease(array ?? AllocateUninitialized(dtype, length), bytes);
    }

    /// <summary>Counts bytes handed out since the last generation-1 collection and asks for one past the threshold.</summary>
    private static void CollectWhenDue(long bytes)
    {
        int gen1 = GC.CollectionCount(1);
        if (gen1 != Volatile.Read(ref _lastGen1Count))
        {
            Volatile.Write(ref _lastGen1Count, gen1);
            Interlocked.Exchange(ref _sinceCollection, 0);
        }
        if (Interlocked.Add(ref _sinceCollection, bytes) < CollectionThresholdBytes) return;
        Interlocked.Exchange(ref _sinceCollection, 0);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
        Volatile.Write(ref _lastGen1Count, GC.CollectionCount(1));
    }

    /// <summary>A lease's array escaped: its bytes no longer count toward the next collection (they cannot come back).</summary>
    internal static void OnEscaped(long bytes)
    {
        long seen = Interlocked.Read(ref _sinceCollection);
        while (true)
        {
            long next = Math.Max(0, seen - bytes);
            long was = Interlocked.CompareExchange(ref _sinceCollection, next, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// <summary>Called by a lease's finalizer once no tensor can see <paramref name="array"/>.</summary>
    internal static void Return(Array array, long bytes)
    {
        if (!_enabled) return;
        var key = (DTypeOf(array), array.Length);
        lock (Gate)
        {
            long limit = MaxIdleBytes;
            if (bytes > limit) return;
            if (!Idle.TryGetValue(key, out var bucket)) Idle[key] = bucket = new IdleBucket();
            bucket.LastUse = ++_clock;
            while (_idleBytes + bytes > limit)
            {
                if (!EvictLeastRecentlyUsed(except: bucket)) return;
            }
            bucket.Arrays.Push(array);
            _idleBytes += bytes;
        }
    }

    /// <summary>Drops one idle array of the size used least recently other than <paramref name="except"/>; false when there is none. Under <see cref="Gate"/>.</summary>
    private static bool EvictLeastRecentlyUsed(IdleBucket except)
    {
        (DType, int) oldestKey = default;
        IdleBucket? oldest = null;
        foreach (var (key, bucket) in Idle)
        {
            if (bucket == except || bucket.Arrays.Count == 0) continue;
            if (oldest is null || bucket.LastUse < oldest.LastUse) (oldestKey, oldest) = (key, bucket);
        }
        if (oldest is null) return false;
        var dropped = oldest.Arrays.Pop();
        _idleBytes -= (long)dropped.Length * oldestKey.Item1.SizeInBytes();
        if (oldest.Arrays.Count == 0) Idle.Remove(oldestKey);
        return true;
    }

    /// <summary>The idle arrays of one dtype and length, and when that size was last rented or returned.</summary>
    private sealed class IdleBucket
    {
        public readonly Stack<Array> Arrays = new();
        public long LastUse;
    }

    private static DType DTypeOf(Array array) => array switch
    {
        float[] => DType.Float32,
        double[] => DType.Float64,
        int[] => DType.Int32,
        long[] => DType.Int64,
        bool[] => DType.Bool,
        _ => throw new InvalidOperationException($"Not a tensor element array: {array.GetType()}."),
    };

    private static Array AllocateUninitialized(DType dtype, int length) => dtype switch
    {
        DType.Float32 => GC.AllocateUninitializedArray<float>(length),
        DType.Float64 => GC.AllocateUninitializedArray<double>(length),
        DType.Int32 => GC.AllocateUninitializedArray<int>(length),
        DType.Int64 => GC.AllocateUninitializedArray<long>(length),
        DType.Bool => GC.AllocateUninitializedArray<bool>(length),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}

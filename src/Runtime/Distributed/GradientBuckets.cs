using System.Numerics.Tensors;

namespace LayerGen.Distributed;

/// <summary>
/// How a step's gradients are fused for the all-reduce: in REVERSE variable order (the order the backward pass
/// finishes them, as PyTorch DDP lays out its buckets), float32 and float64 apart, each bucket at most the bucket size
/// (a larger gradient alone). The blocking and the overlapped reductions use the same layout, so each bucket is the
/// same <c>MPI_Allreduce</c> (same count, so Open MPI picks the same algorithm) and both give the same bits.
/// </summary>
internal sealed class GradientBuckets
{
    /// <summary>One fused buffer: its gradients (indices), where each starts, and the buffer.</summary>
    internal sealed class Bucket(DType dtype, int[] members, int[] offsets, int total)
    {
        public DType DType { get; } = dtype;
        public int[] Members { get; } = members;
        public int[] Offsets { get; } = offsets;
        public float[] Floats { get; } = dtype == DType.Float32 ? new float[total] : [];
        public double[] Doubles { get; } = dtype == DType.Float64 ? new double[total] : [];
        /// <summary>Gradients still to arrive in this step (overlapped reduction).</summary>
        public int Pending;
        /// <summary>The all-reduce under way (overlapped reduction).</summary>
        public Task? Reduction;
    }

    private readonly int[] _sizes;
    private readonly DType[] _dtypes;

    private GradientBuckets(int[] sizes, DType[] dtypes, Bucket[] buckets, int[] bucketOf, int[] slotOf)
    {
        _sizes = sizes; _dtypes = dtypes; Buckets = buckets; BucketOf = bucketOf; SlotOf = slotOf;
    }

    /// <summary>The buckets, in the order they fill during the backward pass.</summary>
    public Bucket[] Buckets { get; }

    /// <summary>For each gradient index, its bucket (-1: none, no gradient).</summary>
    public int[] BucketOf { get; }

    /// <summary>For each gradient index, its position among its bucket's members.</summary>
    public int[] SlotOf { get; }

    /// <summary>The layout for gradients of these sizes and dtypes (size 0 or a dtype other than float32/float64: no gradient).</summary>
    public static GradientBuckets Plan(int[] sizes, DType[] dtypes, long bucketBytes)
    {
        var buckets = new List<Bucket>();
        var bucketOf = new int[sizes.Length];
        var slotOf = new int[sizes.Length];
        Array.Fill(bucketOf, -1);
        var open = new Dictionary<DType, (List<int> Members, List<int> Offsets, long Bytes)>();
        void Close(DType dtype)
        {
            if (!open.Remove(dtype, out var b) || b.Members.Count == 0) return;
            int index = buckets.Count;
            for (int k = 0; k < b.Members.Count; k++) { bucketOf[b.Members[k]] = index; slotOf[b.Members[k]] = k; }
            int total = b.Offsets[^1] + sizes[b.Members[^1]];
            buckets.Add(new Bucket(dtype, [.. b.Members], [.. b.Offsets], total));
        }
        for (int i = sizes.Length - 1; i >= 0; i--)
        {
            var dtype = dtypes[i];
            if (sizes[i] == 0 || dtype is not (DType.Float32 or DType.Float64)) continue;
            long bytes = (long)sizes[i] * (dtype == DType.Float64 ? 8 : 4);
            if (open.TryGetValue(dtype, out var b) && b.Bytes + bytes > bucketBytes) Close(dtype);
            if (!open.TryGetValue(dtype, out b)) b = ([], [], 0);
            int offset = b.Members.Count == 0 ? 0 : b.Offsets[^1] + sizes[b.Members[^1]];
            b.Members.Add(i);
            b.Offsets.Add(offset);
            open[dtype] = (b.Members, b.Offsets, b.Bytes + bytes);
        }
        Close(DType.Float32);
        Close(DType.Float64);
        return new GradientBuckets(sizes, dtypes, [.. buckets], bucketOf, slotOf);
    }

    /// <summary>Whether this layout was made for gradients of these sizes and dtypes.</summary>
    public bool Fits(int[] sizes, DType[] dtypes) => sizes.AsSpan().SequenceEqual(_sizes) && dtypes.AsSpan().SequenceEqual(_dtypes);

    /// <summary>Writes gradient <paramref name="index"/>, times <paramref name="weight"/>, into its place in its bucket.</summary>
    public void CopyIn(int index, Tensor gradient, double weight)
    {
        var bucket = Buckets[BucketOf[index]];
        int offset = bucket.Offsets[SlotOf[index]];
        if (bucket.DType == DType.Float32)
            TensorPrimitives.Multiply(gradient.AsSpan<float>(), (float)weight, bucket.Floats.AsSpan(offset, _sizes[index]));
        else
            TensorPrimitives.Multiply(gradient.AsSpan<double>(), weight, bucket.Doubles.AsSpan(offset, _sizes[index]));
        GC.KeepAlive(gradient);
    }

    /// <summary>Zeroes gradient <paramref name="index"/>'s place (a variable without a gradient on this step).</summary>
    public void Clear(int index)
    {
        var bucket = Buckets[BucketOf[index]];
        int offset = bucket.Offsets[SlotOf[index]];
        if (bucket.DType == DType.Float32) bucket.Floats.AsSpan(offset, _sizes[index]).Clear();
        else bucket.Doubles.AsSpan(offset, _sizes[index]).Clear();
    }

    /// <summary>Sums a bucket over all ranks, in place (one <c>MPI_Allreduce</c>).</summary>
    public static void AllReduce(MpiCommunicator comm, Bucket bucket)
    {
        if (bucket.DType == DType.Float32) comm.AllReduceSum(bucket.Floats);
        else comm.AllReduceSum(bucket.Doubles);
    }

    /// <summary>Gradient <paramref name="index"/> after the all-reduce, as a new tensor of <paramref name="shape"/>.</summary>
    public Tensor Result(int index, Shape shape)
    {
        var bucket = Buckets[BucketOf[index]];
        int offset = bucket.Offsets[SlotOf[index]];
        return bucket.DType == DType.Float32
            ? Tensor.From<float>(bucket.Floats.AsSpan(offset, _sizes[index]), shape)
            : Tensor.From<double>(bucket.Doubles.AsSpan(offset, _sizes[index]), shape);
    }
}

namespace LayerGen.Operations;

/// <summary>
/// What a kernel (<see cref="Op.Compute"/>) writes its result into: the output's spec (what
/// <see cref="Op.InferOutput"/> returned) and, when an <c>ExecutionPlan</c> runs the op, the buffer the plan
/// assigned to that node (TensorFlow's <c>allocate_output</c>). <see cref="Allocate(bool)"/> gives that buffer, or a new
/// tensor when there is none (an eager run). A kernel that makes its result some other way (<c>Tensor.Empty</c>)
/// still works, but allocates on every planned run: the plan reports it (<c>ExecutionPlan.AllocatingSteps</c>).
/// Ops a kernel itself runs through <see cref="OpRunner"/> get fresh outputs.
/// </summary>
public readonly struct KernelOutput
{
    /// <summary>An output of <paramref name="spec"/>, written into <paramref name="planned"/> when it is given and has that spec.</summary>
    public KernelOutput(TensorSpec spec, Tensor? planned = null)
    {
        Spec = spec;
        Planned = planned is not null && planned.DType == spec.DType && planned.Shape == spec.Shape ? planned : null;
    }

    /// <summary>An output of <paramref name="spec"/> with no planned buffer (the kernel gets a new tensor).</summary>
    public static KernelOutput Fresh(TensorSpec spec) => new(spec) { IsEager = true };

    /// <summary>
    /// True for an eager op run (<see cref="Fresh"/>): the output is the caller's alone and the inputs are not buffers an
    /// ExecutionPlan overwrites later, so a kernel may return a deferred tensor that reads them afterwards
    /// (<see cref="IndexedSlices"/>).
    /// </summary>
    internal bool IsEager { get; private init; }

    /// <summary>An output of <paramref name="spec"/> with no planned buffer: what an eager run passes.</summary>
    public static implicit operator KernelOutput(TensorSpec spec) => new(spec);

    /// <summary>The output's spec.</summary>
    public TensorSpec Spec { get; }

    /// <summary>The output's shape.</summary>
    public Shape Shape => Spec.Shape;

    /// <summary>The output's dtype.</summary>
    public DType DType => Spec.DType;

    /// <summary>The buffer a plan assigned to the output, or null (an eager run).</summary>
    public Tensor? Planned { get; }

    /// <summary>
    /// The tensor to write the output into: the planned buffer, or a new tensor (a large one from
    /// <see cref="TensorStoragePool"/>). Zero-filled unless <paramref name="zeroed"/> is false, which kernels pass only
    /// when they write every element.
    /// </summary>
    public Tensor Allocate(bool zeroed = true)
    {
        if (Planned is { } planned)
        {
            if (zeroed) planned.ClearStorage();
            return planned;
        }
        // Large outputs come from TensorStoragePool (docs/design/tensor-storage.md).
        return Tensor.Rent(Spec.Shape, Spec.DType, zeroed);
    }

    /// <summary>
    /// The tensor to write the output into (see <see cref="Allocate(bool)"/>) and, in <paramref name="values"/>, its
    /// elements to write (<typeparamref name="T"/> must be the output's element type): what a kernel outside
    /// LayerGen writes through, since tensors are otherwise read-only.
    /// </summary>
    public Tensor Allocate<T>(out Span<T> values, bool zeroed = true) where T : unmanaged
    {
        var t = Allocate(zeroed);
        values = t.Data<T>();
        return t;
    }

    /// <summary>The tensor to write the output into (see <see cref="Allocate(bool)"/>), every element set to <paramref name="value"/> as <see cref="Tensor.Full"/> converts it.</summary>
    public Tensor AllocateFilled(double value)
    {
        var t = Allocate(zeroed: false);
        switch (t.DType)
        {
            case DType.Float32: t.Data<float>().Fill((float)value); break;
            case DType.Float64: t.Data<double>().Fill(value); break;
            case DType.Int32: t.Data<int>().Fill(checked((int)value)); break;
            case DType.Int64: t.Data<long>().Fill(checked((long)value)); break;
            case DType.Bool: t.Data<bool>().Fill(value != 0); break;
        }
        return t;
    }

    /// <inheritdoc/>
    public override string ToString() => Planned is null ? Spec.ToString() : Spec + " (planned)";
}

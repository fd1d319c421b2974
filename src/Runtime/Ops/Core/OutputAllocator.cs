namespace LayerGen;

/// <summary>
/// Where kernels get the tensor they write their output into (TensorFlow's <c>allocate_output</c>).
/// Run eagerly, a kernel gets a new array. Run by an <see cref="ExecutionPlan"/>, it gets the buffer the
/// plan assigned to that node, reused on every run, so steady-state inference allocates nothing.
/// Only the op being run is offered the buffer: ops that a kernel itself calls through
/// <see cref="OpRunner"/> allocate as usual.
/// </summary>
internal static class OutputAllocator
{
    [ThreadStatic] private static Tensor? t_offered;

    /// <summary>
    /// The output tensor of <paramref name="spec"/> for the kernel being run. Zero-filled unless
    /// <paramref name="zeroed"/> is false, which kernels pass only when they write every element.
    /// </summary>
    public static Tensor Allocate(TensorSpec spec, bool zeroed = true)
    {
        var offered = t_offered;
        if (offered is not null && offered.DType == spec.DType && offered.Shape == spec.Shape)
        {
            t_offered = null;
            if (zeroed) System.Array.Clear(offered.Storage);
            return offered;
        }
        return zeroed ? Tensor.Empty(spec.Shape, spec.DType) : Tensor.Uninitialized(spec.Shape, spec.DType);
    }

    /// <summary>
    /// Runs <paramref name="op"/>'s kernel offering it <paramref name="destination"/> for its output. Returns
    /// the output: <paramref name="destination"/> when the kernel allocates through <see cref="Allocate"/>,
    /// otherwise the tensor the kernel made. Not recorded on gradient tapes.
    /// </summary>
    public static Tensor ComputeInto(Op op, ReadOnlySpan<Tensor> inputs, TensorSpec spec, Tensor? destination)
    {
        t_offered = destination;
        try { return op.Compute(inputs, spec); }
        finally { t_offered = null; }
    }

    /// <summary>Withdraws any offer for the duration of a nested op (see <see cref="OpRunner"/>); returns it for <see cref="Restore"/>.</summary>
    public static Tensor? Suspend()
    {
        var offered = t_offered;
        if (offered is not null) t_offered = null;
        return offered;
    }

    /// <summary>Puts back an offer withdrawn by <see cref="Suspend"/>.</summary>
    public static void Restore(Tensor? offered)
    {
        if (offered is not null) t_offered = offered;
    }
}

namespace LayerGen.Graphs;

/// <summary>
/// <c>ReluGrad(MaxPoolGrad(g, y), y)</c> as one step (<see cref="MaxPoolReluGradFusion"/>): the pooling gradient masked by
/// <c>y &gt; 0</c> in the same pass. Arguments: g, y (and x, the convolution's input, with <paramref name="filterPartials"/>).
/// With <paramref name="imageSums"/>, the pass also writes the result's per-image column sums for a later
/// <see cref="BiasGradFromImageSumsStep"/>; with <paramref name="filterPartials"/>, the per-image kernel-gradient partials
/// of the convolution for a later <see cref="FilterGradFromImagePartialsStep"/>. With <paramref name="onlyForSums"/> (the
/// value's only uses are those two steps) and both consumers taking what the pass writes, the value itself is not written
/// (each row of windows goes through a small per-thread buffer): the step's buffer is left as it was. With
/// <paramref name="route"/> written by the convolution's training step (<see cref="PlannedPooled.Route"/>), the pass reads
/// those bytes instead of y (which that step then did not write).
/// </summary>
internal sealed class MaxPoolReluGradStep(int nodeId, MaxPoolGradOp op, int[] inputs, TensorSpec spec, Tensor? buffer, PlannedImageSums? imageSums = null,
    PlannedFilterPartials? filterPartials = null, bool onlyForSums = false, PlannedPooled? route = null)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <summary>Whether the last run wrote the value (false when only the sums and partials were: see the class).</summary>
    internal bool ResultWrittenLastRun { get; private set; } = true;

    /// <inheritdoc/>
    public override Tensor Execute()
    {
        if (imageSums is not null) imageSums.Filled = false;
        if (filterPartials is not null) filterPartials.Filled = false;
        var args = Arguments.AsSpan(0, 2);
        Tensor r;
        bool summed;
        ResultWrittenLastRun = true;
        // The convolution step wrote the pool's route bytes instead of y: the tiled kernel reads those (same values).
        byte[]? routeBytes = route is { RouteFilled: true } ? route.Route : null;
        if (filterPartials is null)
            r = op.Compute(args, new KernelOutput(Spec, Buffer), reluMask: true, imageSums?.PerImage, out summed, null, default, null, out _, route: routeBytes);
        else
        {
            bool unused = onlyForSums && imageSums is { HasConsumer: true } && filterPartials.HasConsumer;
            r = op.Compute(args, new KernelOutput(Spec, Buffer), reluMask: true, imageSums?.PerImage, out summed,
                Arguments[2], filterPartials.Shape, filterPartials.PerImage, out bool filtered, resultUnused: unused, route: routeBytes);
            filterPartials.Filled = filtered;
            ResultWrittenLastRun = !(unused && summed && filtered);
        }
        if (imageSums is not null) imageSums.Filled = summed;
        AllocatedLastRun = Buffer is null || !r.SharesStorageWith(Buffer);
        return r;
    }
}

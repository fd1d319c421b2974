using LayerGen.Kernels;

namespace LayerGen.Graphs;

/// <summary>
/// A shallow convolution's kernel gradient, <c>ConvFilterGrad(x, g)</c> over a <c>[N, H, W, Cout]</c> gradient <c>g</c> that a
/// <see cref="MaxPoolReluGradStep"/> produced together with its per-image partials (<see cref="PlannedFilterPartials"/>):
/// adds the partials in image order from +0, as the op's kernel does (<see cref="ConvKernels.SumImagePartials"/>), so the
/// same bits without reading <c>g</c> again. Runs the op itself when the partials were not written this run.
/// </summary>
internal sealed class FilterGradFromImagePartialsStep(int nodeId, Op op, int[] inputs, TensorSpec spec, Tensor? buffer, PlannedFilterPartials partials)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        if (Buffer is null || !partials.HasProducer || !partials.Filled || Buffer.DType != DType.Float32) return base.Execute();
        var dw = Buffer.Lend<float>();
        ConvKernels.SumImagePartials(partials.PerImage, partials.Shape.N, dw[..ConvKernels.FilterGradImageLength(partials.Shape)]);
        GC.KeepAlive(Buffer);
        AllocatedLastRun = false;
        return Buffer;
    }
}

using LayerGen.Kernels;

namespace LayerGen.Graphs;

/// <summary>
/// Per-image kernel-gradient partials of a shallow convolution (<see cref="ConvKernels.FilterGradPerImageFits"/>) that a
/// <see cref="MaxPoolReluGradStep"/> computes inside its pass over the convolution's output gradient, and the later
/// <see cref="FilterGradFromImagePartialsStep"/> adds up into the kernel gradient (<see cref="Operations.ConvFilterGradOp"/>
/// of the same values) instead of reading the gradient again. Made by <see cref="MaxPoolReluGradFusion"/> at plan time
/// (N × depth × Cout floats, reused by every run).
/// </summary>
internal sealed class PlannedFilterPartials(ConvShape shape)
{
    /// <summary>The convolution's sizes at the planned shapes.</summary>
    public ConvShape Shape { get; } = shape;

    /// <summary>The partials, image by image (N blocks of depth × Cout).</summary>
    public readonly float[] PerImage = new float[shape.N * ConvKernels.FilterGradImageLength(shape)];

    /// <summary>Whether a pooling-gradient step writes the partials (set when it is made; a rejected fusion leaves it false).</summary>
    public bool HasProducer { get; set; }

    /// <summary>
    /// Whether the step that adds the partials up has a float32 buffer of its own, so it takes the partials whenever they
    /// were written and never reads the gradient (set when it is made).
    /// </summary>
    public bool HasConsumer { get; set; }

    /// <summary>Whether the producing step's last run wrote the partials (its tiled kernel ran).</summary>
    public bool Filled { get; set; }
}

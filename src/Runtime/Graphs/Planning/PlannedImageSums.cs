namespace LayerGen.Graphs;

/// <summary>
/// Per-image column sums that a <see cref="MaxPoolReluGradStep"/> computes inside its pass over a convolution's output
/// gradient <c>[N, H, W, C]</c>, and the later <see cref="BiasGradFromImageSumsStep"/> adds up into that convolution's
/// bias gradient (<c>ReduceToLike</c> of the same value) instead of reading the gradient again. Made by
/// <see cref="MaxPoolReluGradFusion"/> at plan time (N·C floats, reused by every run).
/// </summary>
internal sealed class PlannedImageSums(int images, int channels)
{
    /// <summary>The sums, image by image (N rows of C).</summary>
    public readonly float[] PerImage = new float[images * channels];

    /// <summary>The channels C.</summary>
    public int Channels { get; } = channels;

    /// <summary>Whether a pooling-gradient step writes the sums (set when it is made; a rejected fusion leaves it false).</summary>
    public bool HasProducer { get; set; }

    /// <summary>
    /// Whether the step that adds the sums up has a buffer of its own, so it takes the sums whenever they were written and
    /// never reads the gradient (set when it is made).
    /// </summary>
    public bool HasConsumer { get; set; }

    /// <summary>Whether the producing step's last run wrote the sums (its tiled kernel ran).</summary>
    public bool Filled { get; set; }
}

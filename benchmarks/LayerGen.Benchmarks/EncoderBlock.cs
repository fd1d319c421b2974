using LayerGen;
using LayerGen.Layers;

namespace LayerGen.Benchmarks;

/// <summary>
/// The post-norm encoder block of <c>nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0)</c> that
/// <see cref="AttentionTiming"/> and <see cref="AttentionProfile"/> measure: <c>h = LayerNorm(x + MHA(x, x))</c>,
/// <c>y = LayerNorm(h + Dense(width)(Dense(4 * width, relu)(h)))</c>, residuals with <see cref="Add"/> layers, epsilon
/// 1e-5 as PyTorch's. Its weights come from the global seed as it is when the block is made.
/// </summary>
internal sealed class EncoderBlock(int width, int heads)
{
    private readonly MultiHeadAttention attention = new(numHeads: heads, keyDim: width / heads);
    private readonly LayerNormalization norm1 = new(epsilon: 1e-5);
    private readonly LayerNormalization norm2 = new(epsilon: 1e-5);
    private readonly Dense ff1 = new(4 * width, activation: "relu");
    private readonly Dense ff2 = new(width);
    private readonly Add add1 = new();
    private readonly Add add2 = new();

    /// <summary>The attention layer (measured alone as one of the encoder's parts).</summary>
    public MultiHeadAttention Attention => attention;

    /// <summary>The first normalization (measured alone as one of the encoder's parts).</summary>
    public LayerNormalization Norm => norm1;

    /// <summary>The feed-forward's first layer (measured alone as one of the encoder's parts).</summary>
    public Dense FeedForward => ff1;

    /// <summary>The first residual (measured alone as one of the encoder's parts).</summary>
    public Add Residual => add1;

    /// <summary>Runs the block (builds it on the first call).</summary>
    public Tensor Call(Tensor t)
    {
        var h = norm1.Invoke(add1.Invoke([t, attention.Invoke(t, t)]));
        return norm2.Invoke(add2.Invoke([h, ff2.Invoke(ff1.Invoke(h))]));
    }

    /// <summary>The trainable weights of every layer, once built.</summary>
    public Variable[] TrainableVariables() =>
        [.. new Layer[] { attention, norm1, norm2, ff1, ff2 }.SelectMany(l => l.TrainableVariables)];
}

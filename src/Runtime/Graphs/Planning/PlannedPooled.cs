namespace LayerGen.Graphs;

/// <summary>
/// The 2×2 max pooling of a shallow convolution layer's output that the training plan's convolution step
/// (<see cref="ConvKeepPoolStep"/>) computes while the cells are in registers, and the pool's own step
/// (<see cref="PooledByConvStep"/>) hands on instead of reading the convolution's output again. Made by
/// <see cref="ConvKeepPoolFusion"/> at plan time; the tensor is the plan's own, rewritten by every run.
/// </summary>
internal sealed class PlannedPooled(TensorSpec spec)
{
    /// <summary>The pooled values (the pool's spec at the planned shapes).</summary>
    public Tensor Value { get; } = Tensor.Zeros(spec.Shape, spec.DType);

    /// <summary>Whether a convolution step writes the pooled values (set when it is made).</summary>
    public bool HasProducer { get; set; }

    /// <summary>Whether the producing step's last run wrote them (its direct kernel ran).</summary>
    public bool Filled { get; set; }

    /// <summary>
    /// When the convolution's output is read only by this pool and by its fused MaxPool + ReLU gradient
    /// (<see cref="MaxPoolReluGradStep"/>): one byte per pooled value (its window's first largest cell and relu mask,
    /// <see cref="Kernels.ConvPoolDirect"/>) that the gradient reads instead of the output, which is then not written. Else null.
    /// </summary>
    public byte[]? Route { get; init; }

    /// <summary>Whether the gradient step that reads <see cref="Route"/> was made (set when it is made).</summary>
    public bool RouteHasConsumer { get; set; }

    /// <summary>Whether the producing step's last run wrote <see cref="Route"/> instead of the convolution's output.</summary>
    public bool RouteFilled { get; set; }
}

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
}

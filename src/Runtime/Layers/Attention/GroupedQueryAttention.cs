namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GroupedQueryAttention</c> (exported by Keras as <c>GroupQueryAttention</c> too):
/// <c>num_query_heads</c> query heads share <c>num_key_value_heads</c> key/value heads (each repeated
/// <c>num_query_heads / num_key_value_heads</c> times). Sub-layers <c>query</c> (kernel <c>(dim, num_query_heads, head_dim)</c>),
/// <c>key</c>, <c>value</c> (<c>(dim, num_key_value_heads, head_dim)</c>), optional <c>gate</c>, and
/// <c>attention_output</c> (<c>(num_query_heads, head_dim, dim)</c>).
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GroupedQueryAttention
{
    private readonly int headDim;
    private readonly int numQueryHeads;
    private readonly int numKeyValueHeads;
    private readonly double dropout;
    private readonly bool useBias;
    private readonly int? slidingWindow;
    private readonly Initializer kernelInitializer;
    private readonly Initializer biasInitializer;
    private readonly Regularizer? kernelRegularizer;
    private readonly Regularizer? biasRegularizer;
    private readonly Constraint? kernelConstraint;
    private readonly Constraint? biasConstraint;
    private readonly bool useGate;
    private readonly int? seed;
    [TrackAs("_query_dense")] private EinsumDense? queryDense; // Keras's attribute (no public property): the file path
    [TrackAs("_key_dense")] private EinsumDense? keyDense; // Keras's attribute (no public property): the file path
    [TrackAs("_gate_dense")] private EinsumDense? gateDense; // Keras's attribute (no public property): the file path
    [TrackAs("_value_dense")] private EinsumDense? valueDense; // Keras's attribute (no public property): the file path
    [TrackAs("_output_dense")] private EinsumDense? outputDense; // Keras's attribute (no public property): the file path
    private readonly Dropout dropoutLayer;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="headDim">Size of each head.</param>
    /// <param name="numQueryHeads">Number of query heads.</param>
    /// <param name="numKeyValueHeads">Number of key/value heads; divides <paramref name="numQueryHeads"/>.</param>
    /// <param name="dropout">Dropout rate on the attention scores.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="slidingWindow">When set, a query attends only to keys fewer than this many positions away.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the projection kernels.</param>
    /// <param name="biasRegularizer">Penalty on the projection biases.</param>
    /// <param name="activityRegularizer">Penalty on the projections' outputs.</param>
    /// <param name="kernelConstraint">Projection of the kernels after updates.</param>
    /// <param name="biasConstraint">Projection of the biases after updates.</param>
    /// <param name="useGate">Whether a sigmoid gate (sub-layer <c>gate</c>) multiplies the heads before the output projection.</param>
    /// <param name="seed">Seed of the dropout.</param>
    public GroupedQueryAttention(int headDim, int numQueryHeads, int numKeyValueHeads, double dropout = 0.0, bool useBias = true,
        int? slidingWindow = null, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, bool useGate = false, int? seed = null)
    {
        if (numKeyValueHeads <= 0 || numQueryHeads % numKeyValueHeads != 0)
            throw new ArgumentException("`num_query_heads` must be divisible by `num_key_value_heads`.", nameof(numKeyValueHeads));
        if (slidingWindow is <= 0)
            throw new ArgumentOutOfRangeException(nameof(slidingWindow), $"`sliding_window` must be `None` or a positive integer. Received: sliding_window={slidingWindow}");
        this.headDim = headDim;
        this.numQueryHeads = numQueryHeads;
        this.numKeyValueHeads = numKeyValueHeads;
        this.dropout = dropout;
        this.useBias = useBias;
        this.slidingWindow = slidingWindow;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.kernelRegularizer = kernelRegularizer;
        this.biasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        this.kernelConstraint = kernelConstraint;
        this.biasConstraint = biasConstraint;
        this.useGate = useGate;
        this.seed = seed;
        dropoutLayer = new Dropout(dropout, seed: seed) { Name = "dropout" };
    }

    /// <summary>Creates the projections (Keras's <c>build(query_shape, value_shape)</c>; the key projection uses the value's shape).</summary>
    protected void Build(Shape queryShape, Shape valueShape)
    {
        if (queryShape[^1] != valueShape[^1])
            throw new ShapeMismatchException(Name, $"The last dimension of `query_shape` and `value_shape` must be equal, but are {queryShape[^1]}, {valueShape[^1]}. Received: query_shape={AttentionShapes.Show(queryShape)}, value_shape={AttentionShapes.Show(valueShape)}", queryShape, valueShape);
        queryDense = Projection("bqm,muh->bquh", [Shape.Unknown, numQueryHeads, headDim], "uh", "query", null, queryShape);
        keyDense = Projection("bkm,mvh->bkvh", [Shape.Unknown, numKeyValueHeads, headDim], "vh", "key", null, valueShape);
        if (useGate) gateDense = Projection("bqm,muh->bquh", [Shape.Unknown, numQueryHeads, headDim], "uh", "gate", ActivationFunction.Sigmoid, queryShape);
        valueDense = Projection("bkm,mvh->bkvh", [Shape.Unknown, numKeyValueHeads, headDim], "vh", "value", null, valueShape);
        outputDense = Projection("bquh,uhm->bqm", [Shape.Unknown, queryShape[^1]], "m", "attention_output", null,
            new Shape(Shape.Unknown, Shape.Unknown, numQueryHeads, headDim));
    }

    private EinsumDense Projection(string equation, int[] outputShape, string biasAxes, string name, ActivationFunction? activation, Shape inputShape)
    {
        var layer = new EinsumDense(equation, new Shape(outputShape), activation, useBias ? biasAxes : null,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, ActivityRegularizer,
            kernelConstraint, biasConstraint) { Name = name, DType = DType };
        layer.BuildForShape(inputShape);
        return layer;
    }

    /// <summary>True: the output carries the query's mask (Keras's <c>supports_masking</c>).</summary>
    public override bool SupportsMasking => true;

    /// <summary>Attends <paramref name="query"/> <c>(B, T, dim)</c> to <paramref name="value"/> <c>(B, S, dim)</c>.</summary>
    protected Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        Tensor? keyMask = null, Tensor? attentionMask = null, bool training = false, bool useCausalMask = false)
        => Attend(query, value, key, queryMask, valueMask, keyMask, attentionMask, training, useCausalMask, returnScores: false).Output;

    /// <summary>Keras's <c>return_attention_scores=True</c>: the output and the scores <c>(B, num_query_heads, T, S)</c> (eager only).</summary>
    public (Tensor Output, Tensor Scores) InvokeWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null,
        Tensor? valueMask = null, Tensor? keyMask = null, Tensor? attentionMask = null, bool training = false, bool useCausalMask = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        // Not through InvokeLayer: the inputs' masks go where none was given here, as InvokeLayer does for Invoke.
        queryMask ??= KerasMask.Of(query);
        valueMask ??= KerasMask.Of(value);
        if (key is not null) keyMask ??= KerasMask.Of(key);
        if (!IsBuilt) BuildFromConfig(LayerGen.Layers.BuildConfig.ForShapes(("query_shape", query.Shape), ("value_shape", value.Shape)));
        var (o, s) = Attend(query, value, key, queryMask, valueMask, keyMask, attentionMask, training, useCausalMask, returnScores: true);
        return (o, s!);
    }

    private (Tensor Output, Tensor? Scores) Attend(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask,
        Tensor? keyMask, Tensor? attentionMask, bool training, bool useCausalMask, bool returnScores)
    {
        if (key is not null) AttentionShapes.CheckValueAndKey(value.Shape, key.Shape);
        key ??= value;
        var mask = AttentionShapes.CombineMasks(query, value, queryMask, valueMask, keyMask, attentionMask, useCausalMask, slidingWindow);
        var gate = gateDense?.Invoke(query);
        var q = queryDense!.Invoke(query);
        var k = Repeat(keyDense!.Invoke(key));
        var v = Repeat(valueDense!.Invoke(value));
        if (mask is not null)
            while (mask.Rank < 4) mask = Ops.ExpandDims(mask, -3);
        Tensor scores;
        if (!(dropout > 0 || returnScores))
        {
            var logits = Ops.Mul(Ops.Einsum("bquh,bkuh->buqk", q, k), Tensor.Scalar(1.0 / Math.Sqrt(headDim), q.DType));
            if (mask is not null) logits = Ops.Where(mask, logits, Tensor.Scalar(Ops.SoftmaxMaskValue, logits.DType));
            scores = Ops.Softmax(logits, -1);
        }
        else
        {
            q = Ops.Mul(q, Tensor.Scalar(1.0 / Math.Sqrt(headDim), q.DType));
            scores = Ops.MaskedSoftmax(Ops.Einsum("bquh,bkuh->buqk", q, k), mask, -1);
        }
        var used = dropout > 0 ? dropoutLayer.Invoke(scores, training) : scores;
        var output = Ops.Einsum("buqk,bkuh->bquh", used, v);
        if (gate is not null) output = Ops.Mul(output, gate);
        return (outputDense!.Invoke(output), scores);
    }

    /// <summary><c>ops.repeat(x, num_query_heads / num_key_value_heads, axis=2)</c>: each key/value head repeated in place.</summary>
    private Tensor Repeat(Tensor x)
    {
        int r = numQueryHeads / numKeyValueHeads;
        if (r == 1) return x;
        var tiled = Ops.Tile(Ops.ExpandDims(x, 3), [1, 1, 1, r, 1]);
        return Ops.Reshape(tiled, new Shape(x.Shape[0], x.Shape[1], numQueryHeads, headDim));
    }
}

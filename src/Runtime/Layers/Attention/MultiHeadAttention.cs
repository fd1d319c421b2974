namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>MultiHeadAttention</c>: <c>query</c>, <c>key</c> and <c>value</c> are projected per head by
/// <see cref="EinsumDense"/> sub-layers named <c>query</c>, <c>key</c>, <c>value</c> (kernels
/// <c>(dim, num_heads, key_dim|value_dim)</c>), scaled dot-product attention runs over <c>attention_axes</c>, and
/// the heads are projected back by <c>attention_output</c> (kernel <c>(num_heads, value_dim, out)</c>).
/// Masks: <c>attentionMask</c> <c>(B, T, S)</c>, the inputs' masks (<c>queryMask</c> <c>(B, T)</c>,
/// <c>valueMask</c>/<c>keyMask</c> <c>(B, S)</c>), <c>useCausalMask</c> and <c>sliding_window</c>, combined with
/// a logical and as Keras does. As in Keras, the masks attached to the inputs (<see cref="KerasMask"/>) apply by
/// default (the query's always when it has one), and the output carries the query's mask.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class MultiHeadAttention
{
    private readonly int numHeads;
    private readonly int keyDim;
    private readonly int valueDim;
    private readonly double dropout;
    private readonly bool useBias;
    private readonly Shape? outputShape;
    private int[]? attentionAxes;
    private readonly int? slidingWindow;
    private readonly Initializer kernelInitializer;
    private readonly Initializer biasInitializer;
    private readonly Regularizer? kernelRegularizer;
    private readonly Regularizer? biasRegularizer;
    private readonly Constraint? kernelConstraint;
    private readonly Constraint? biasConstraint;
    private readonly bool useGate;
    private readonly int? seed;
    private EinsumDense? queryDense;
    private EinsumDense? keyDense;
    private EinsumDense? gateDense;
    private EinsumDense? valueDense;
    private EinsumDense? outputDense;
    private readonly Dropout dropoutLayer;
    private string dotProductEquation = "";
    private string combineEquation = "";
    private int[] normAxes = [];

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="numHeads">Number of attention heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value (null: <paramref name="keyDim"/>).</param>
    /// <param name="dropout">Dropout rate on the attention scores.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">The output's trailing shape (null: the query's last dimension).</param>
    /// <param name="attentionAxes">The axes attention runs over (null: all but batch, heads and features).</param>
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
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0.0, bool useBias = true,
        Shape? outputShape = null, int[]? attentionAxes = null, int? slidingWindow = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, bool useGate = false, int? seed = null)
    {
        if (numHeads <= 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), $"Received an invalid value for argument `num_heads`, expected a positive integer. Received: num_heads={numHeads}");
        if (keyDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(keyDim), $"Received an invalid value for argument `key_dim`, expected a positive integer. Received: key_dim={keyDim}");
        if (valueDim is <= 0)
            throw new ArgumentOutOfRangeException(nameof(valueDim), $"Received an invalid value for argument `value_dim`, expected a positive integer or `None`. Received: value_dim={valueDim}");
        if (slidingWindow is <= 0)
            throw new ArgumentOutOfRangeException(nameof(slidingWindow), $"`sliding_window` must be `None` or a positive integer. Received: sliding_window={slidingWindow}");
        this.numHeads = numHeads;
        this.keyDim = keyDim;
        this.valueDim = valueDim ?? keyDim;
        this.dropout = dropout;
        this.useBias = useBias;
        this.outputShape = outputShape is { Rank: > 0 } ? outputShape : null;
        this.attentionAxes = attentionAxes;
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

    /// <summary>Number of heads.</summary>
    public int NumHeads => numHeads;
    /// <summary>Size of each query/key head.</summary>
    public int KeyDim => keyDim;
    /// <summary>Size of each value head.</summary>
    public int ValueDim => valueDim;
    /// <summary>The <c>query</c> projection, once built.</summary>
    public EinsumDense? QueryDense => queryDense;
    /// <summary>The <c>key</c> projection, once built.</summary>
    public EinsumDense? KeyDense => keyDense;
    /// <summary>The <c>value</c> projection, once built.</summary>
    public EinsumDense? ValueDense => valueDense;
    /// <summary>The <c>attention_output</c> projection, once built.</summary>
    public EinsumDense? OutputDense => outputDense;

    /// <summary>
    /// Creates the projections for these shapes (Keras's <c>build(query_shape, value_shape, key_shape)</c>); a
    /// <c>key</c> of another last dimension than <c>value</c> builds the key projection on its first call.
    /// </summary>
    protected void Build(Shape queryShape, Shape valueShape)
    {
        BuildFor(queryShape, valueShape, pendingKeyShape);
        keyFromValue = pendingKeyShape is null;
        pendingKeyShape = null;
    }

    /// <summary>Keras's <c>build_config</c> has <c>key_shape</c> when the layer was built with a key: the key projection is built for it.</summary>
    public override void BuildFromConfig(System.Text.Json.Nodes.JsonObject buildConfig)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        if (IsBuilt) return;
        var shapes = LayerGen.Layers.BuildConfig.Shapes(buildConfig);
        if (shapes.Count != 3)
        {
            base.BuildFromConfig(buildConfig);
            return;
        }
        // The key goes in by name (the generic build passes the shapes positionally, which would leave the key out).
        pendingKeyShape = shapes[2];
        using (NodeRecording.Suppress())
            Invoke(Tensor.Placeholder(shapes[0], DType), Tensor.Placeholder(shapes[1], DType), key: Tensor.Placeholder(shapes[2], DType));
        RecordBuildShape("key_shape", shapes[2]);
    }

    private Shape? pendingKeyShape;
    private bool keyFromValue;
    private bool called;

    private void BuildFor(Shape queryShape, Shape valueShape, Shape? keyShape)
    {
        var key = keyShape ?? valueShape;
        AttentionShapes.CheckValueAndKey(valueShape, key);
        int queryRank = queryShape.Rank, valueRank = valueShape.Rank, keyRank = key.Rank;
        queryDense = Projection(queryRank - 1, 1, 2, [numHeads, keyDim], "query", null, queryShape);
        keyDense = Projection(keyRank - 1, 1, 2, [numHeads, keyDim], "key", null, key);
        if (useGate) gateDense = Projection(queryRank - 1, 1, 2, [numHeads, valueDim], "gate", ActivationFunction.Sigmoid, queryShape);
        valueDense = Projection(valueRank - 1, 1, 2, [numHeads, valueDim], "value", null, valueShape);
        int rank = valueRank + 1; // the projected rank
        BuildAttention(rank);
        int[] outShape = outputShape is { } os ? os.ToArray() : [queryShape[^1]];
        var projected = queryDense.FullOutputShape.ToArray();
        projected[^1] = valueDim;
        outputDense = Projection(queryRank - 1, 2, outShape.Length, outShape, "attention_output", null, new Shape(projected));
    }

    private EinsumDense Projection(int freeDims, int boundDims, int outputDims, int[] lastDims, string name, ActivationFunction? activation, Shape inputShape)
    {
        var (equation, biasAxes, outputRank) = AttentionEquations.Projection(freeDims, boundDims, outputDims);
        var shape = new int[outputRank - 1];
        Array.Fill(shape, Shape.Unknown);
        lastDims.CopyTo(shape, shape.Length - lastDims.Length);
        var layer = new EinsumDense(equation, new Shape(shape), activation, useBias ? biasAxes : null,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, ActivityRegularizer,
            kernelConstraint, biasConstraint) { Name = name, DType = DType };
        layer.BuildForShape(inputShape);
        return layer;
    }

    private void BuildAttention(int rank)
    {
        attentionAxes = attentionAxes is null
            ? [.. Enumerable.Range(1, rank - 3)]
            : [.. attentionAxes.Select(a => a >= 0 ? a : rank - 1 + a)];
        (dotProductEquation, combineEquation, int scoresRank) = AttentionEquations.Attention(rank, attentionAxes);
        normAxes = [.. Enumerable.Range(scoresRank - attentionAxes.Length, attentionAxes.Length)];
    }

    /// <summary>True: the output carries the query's mask (Keras's <c>supports_masking</c>).</summary>
    public override bool SupportsMasking => true;

    /// <summary>Attends <paramref name="query"/> to <paramref name="value"/> (keyed by <paramref name="key"/>, default <paramref name="value"/>).</summary>
    protected Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        Tensor? keyMask = null, Tensor? attentionMask = null, bool training = false, bool useCausalMask = false)
        => Attend(query, value, key, queryMask, valueMask, keyMask, attentionMask, training, useCausalMask, returnScores: false).Output;

    /// <summary>
    /// Keras's <c>return_attention_scores=True</c>: the output and the attention scores
    /// <c>(B, num_heads, T, S)</c>. Eager only: a functional model records the output alone.
    /// </summary>
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
        var (output, scores) = Attend(query, value, key, queryMask, valueMask, keyMask, attentionMask, training, useCausalMask, returnScores: true);
        return (output, scores!);
    }

    private (Tensor Output, Tensor? Scores) Attend(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask,
        Tensor? keyMask, Tensor? attentionMask, bool training, bool useCausalMask, bool returnScores)
    {
        if (key is not null)
        {
            AttentionShapes.CheckValueAndKey(value.Shape, key.Shape);
            if (!called && keyFromValue) RecordBuildShape("key_shape", key.Shape); // Keras's build(query_shape, value_shape, key_shape)
            if (!called && keyFromValue && key.Shape[^1] != keyDense!.Kernel!.Shape[0])
            {
                // Built from (query, value) by the generated Invoke; the first call's key has its own width (Keras builds with key_shape).
                keyDense = Projection(key.Rank - 1, 1, 2, [numHeads, keyDim], "key", null, key.Shape);
            }
            if (key.Shape[^1] != keyDense!.Kernel!.Shape[0])
                throw new ShapeMismatchException(Name, $"Layer \"{Name}\" was built with a key of last dimension {keyDense.Kernel.Shape[0]} (the value's), but received key_shape={key.Shape}. Pass `key` on the first call.", value.Shape, key.Shape);
        }
        called = true;
        keyFromValue &= key is null;
        key ??= value;
        var mask = AttentionShapes.CombineMasks(query, value, queryMask, valueMask, keyMask, attentionMask, useCausalMask, slidingWindow);
        var gate = gateDense?.Invoke(query);
        var q = queryDense!.Invoke(query);
        var k = keyDense!.Invoke(key);
        var v = valueDense!.Invoke(value);
        bool dotProductPath = !(dropout > 0 || returnScores || q.Rank != 4);
        if (mask is not null)
            for (int i = mask.Rank; i < q.Rank; i++)
                mask = Ops.ExpandDims(mask, -attentionAxes!.Length * 2 - 1);
        Tensor scores;
        if (dotProductPath)
        {
            // Keras's dot_product_attention: scaled logits, masked to a large negative, softmax (a fully masked row is uniform).
            // The scale is applied to the query (B, T, N, key_dim) as on Keras's other path, not to the logits (B, N, T, S):
            // the same function up to rounding, on a tensor S / key_dim times smaller (4x at sequence 128, key_dim 32).
            var logits = Ops.Einsum(dotProductEquation, k, Ops.Mul(q, Tensor.Scalar(1.0 / Math.Sqrt(keyDim), q.DType)));
            if (mask is not null) logits = Ops.Where(mask, logits, Tensor.Scalar(Ops.SoftmaxMaskValue, logits.DType));
            scores = Ops.Softmax(logits, -1);
        }
        else
        {
            q = Ops.Mul(q, Tensor.Scalar(1.0 / Math.Sqrt(keyDim), q.DType));
            scores = Ops.MaskedSoftmax(Ops.Einsum(dotProductEquation, k, q), mask, normAxes);
        }
        var finalScores = dropout > 0 ? dropoutLayer.Invoke(scores, training) : scores;
        var output = Ops.Einsum(combineEquation, finalScores, v);
        if (gate is not null) output = Ops.Mul(output, gate);
        return (outputDense!.Invoke(output), scores);
    }
}

using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Dot</c> merge layer: the dot product of two tensors along one axis of each (<c>Invoke([a, b])</c>), per
/// sample: for <c>a</c> <c>(batch, m, k)</c> and <c>b</c> <c>(batch, k, n)</c> with <c>axes: [2, 1]</c> the result is
/// <c>(batch, m, n)</c>; a result with only the batch axis gets a trailing axis of 1, as Keras's <c>batch_dot</c>.
/// With <c>normalize</c> both inputs are L2-normalized along their axis first (the result is the cosine similarity).
/// Config: <c>name</c>, <c>trainable</c>, <c>dtype</c>, <c>axes</c> (an integer or a list of two, as given), <c>normalize</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Dot : Merge
{
    private readonly int[] _axes;
    private readonly bool _sameAxis;
    private readonly bool _normalize;

    /// <summary>Creates the layer with the same axis for both inputs.</summary>
    /// <param name="axes">The axis of both inputs to take the product along (not the batch axis; negative counts from the end).</param>
    /// <param name="normalize">Whether to L2-normalize both inputs along that axis first.</param>
    public Dot(int axes, bool normalize = false)
    {
        _axes = [axes, axes];
        _sameAxis = true;
        _normalize = normalize;
    }

    /// <summary>Creates the layer with one axis per input.</summary>
    /// <param name="axes">Two axes: of the first input and of the second.</param>
    /// <param name="normalize">Whether to L2-normalize both inputs along their axis first.</param>
    public Dot(int[] axes, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != 2)
            throw new ArgumentException($"Invalid format for argument `axes`: it should contain two elements. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
        _axes = [axes[0], axes[1]];
        _normalize = normalize;
    }

    /// <summary>The axes of the first and the second input.</summary>
    public IReadOnlyList<int> Axes => _axes;

    /// <summary>Whether the inputs are L2-normalized first.</summary>
    public bool Normalize => _normalize;

    private (int, int) ResolvedAxes(int rank1, int rank2)
    {
        // Keras: a single negative integer counts from the end of each input; a pair is taken as given (negatives from the end too).
        int a = _axes[0] < 0 ? ((_axes[0] % rank1) + rank1) % rank1 : _axes[0];
        int b = _axes[1] < 0 ? ((_axes[1] % rank2) + rank2) % rank2 : _axes[1];
        return (a, b);
    }

    /// <summary>None: Keras's <c>Dot.compute_mask</c> drops the masks.</summary>
    protected override Tensor? ComputeMergeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) => null;

    /// <inheritdoc/>
    protected override void CheckShapes(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count != 2)
            throw Error($"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={ShapeList(inputShapes)}");
        var (s1, s2) = (inputShapes[0], inputShapes[1]);
        var (a, b) = ResolvedAxes(s1.Rank, s2.Rank);
        if (a == 0 || b == 0 || a >= s1.Rank || b >= s2.Rank)
            throw Error($"Invalid axes {AxesText()} for input shapes {s1}, {s2}: the batch axis 0 cannot be included and each axis must exist.");
        if (s1[a] != s2[b])
            throw Error($"Incompatible input shapes: axis values {Dim(s1[a])} (at axis {a}) != {Dim(s2[b])} (at axis {b}). Full input shapes: {s1}, {s2}");
    }

    private static string Dim(int d) => d == Shape.Unknown ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string AxesText() => _sameAxis ? _axes[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"[{_axes[0]}, {_axes[1]}]";

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 2)
            throw Error($"A `Dot` layer should be called on exactly 2 inputs. Received: {inputs.Count} inputs");
        var (x1, x2) = (inputs[0], inputs[1]);
        var (a, b) = ResolvedAxes(x1.Rank, x2.Rank);
        if (_normalize)
        {
            x1 = L2Normalize(x1, a);
            x2 = L2Normalize(x2, b);
        }
        return BatchDot(x1, x2, a, b);
    }

    /// <summary>Keras's <c>normalize(x, axis, order=2)</c>: <c>x / max(||x||, eps)</c> (eps 1e-12 on the squared norm, as Keras's numpy backend).</summary>
    private static Tensor L2Normalize(Tensor x, int axis)
    {
        var squared = Ops.Sum(Ops.Square(x), axis, keepDims: true);
        var norm = Ops.Sqrt(Ops.Maximum(squared, Tensor.Scalar(1e-12, x.DType)));
        return Ops.Div(x, norm);
    }

    /// <summary>Per-sample contraction of axis <paramref name="a"/> of <paramref name="x"/> with axis <paramref name="b"/> of <paramref name="y"/>.</summary>
    private static Tensor BatchDot(Tensor x, Tensor y, int a, int b)
    {
        // x -> (batch, rest1..., k) -> (batch, M, k); y -> (batch, k, rest2...) -> (batch, k, N); matmul -> (batch, M, N).
        var permX = Enumerable.Range(0, x.Rank).Where(i => i != a).Append(a).ToArray();
        var permY = new[] { 0, b }.Concat(Enumerable.Range(1, y.Rank - 1).Where(i => i != b)).ToArray();
        var xt = Ops.Transpose(x, permX);
        var yt = Ops.Transpose(y, permY);
        var rest1 = permX[1..^1].Select(i => x.Shape[i]).ToArray();
        var rest2 = permY[2..].Select(i => y.Shape[i]).ToArray();
        int m = rest1.Aggregate(1, (p, d) => p * d), n = rest2.Aggregate(1, (p, d) => p * d), k = x.Shape[a];
        var x3 = Ops.Reshape(xt, new Shape([Shape.Unknown, m, k]));
        var y3 = Ops.Reshape(yt, new Shape([Shape.Unknown, k, n]));
        var product = Ops.MatMul(x3, y3);
        var outDims = new List<int> { Shape.Unknown };
        outDims.AddRange(rest1);
        outDims.AddRange(rest2);
        if (outDims.Count == 1) outDims.Add(1);
        return Ops.Reshape(product, new Shape([.. outDims]));
    }

    /// <summary>Keras's config: <c>axes</c> as given (an integer, or a list of two), <c>normalize</c>.</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["axes"] = _sameAxis ? JsonValue.Create(_axes[0]) : new JsonArray(_axes[0], _axes[1]);
        config["normalize"] = _normalize;
        return config;
    }

    /// <summary>Creates the layer from its config (Keras's <c>from_config</c>): <c>axes</c> an integer or a list of two.</summary>
    public static Dot FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        bool normalize = Config.ReadBoolean(config, "normalize", "Dot", false);
        var layer = config["axes"] is JsonArray
            ? new Dot(Config.ReadInt32Array(config, "axes", "Dot"), normalize) { Name = Config.ReadName(config, "Dot") }
            : new Dot(Config.ReadInt32(config, "axes", "Dot"), normalize) { Name = Config.ReadName(config, "Dot") };
        layer.ApplyBaseConfig(config);
        return layer;
    }
}

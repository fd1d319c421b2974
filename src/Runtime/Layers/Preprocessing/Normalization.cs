using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Normalization</c> preprocessing layer: <c>(x - mean) / max(sqrt(variance), 1e-7)</c>, or with
/// <c>invert</c> the reverse, <c>mean + x * max(sqrt(variance), 1e-7)</c>. <c>axis</c> names the axes that keep
/// their own mean and variance (default the last; an empty list, Keras's <c>None</c>, for one scalar mean and
/// variance). The statistics are given (<c>mean</c>/<c>variance</c>, broadcast to the kept axes) or learned by
/// <see cref="Adapt(Tensor)"/>; learned ones are the layer's non-trainable weights <c>mean</c>, <c>variance</c> and
/// <c>count</c> (int32, left 0 as Keras leaves it), saved and loaded as Keras does.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Normalization
{
    private const double Epsilon = 1e-7; // Keras's backend.epsilon()
    private readonly int[] axis;
    private readonly double[]? inputMean;
    private readonly double[]? inputVariance;
    /// <summary>The shape of the given mean and variance (empty: scalars; one axis: a flat list; more: nested lists).</summary>
    private readonly int[] valuesShape = [];
    private readonly bool valuesAreScalars;
    private readonly bool invert;
    private Variable? adaptMean;
    private Variable? adaptVariance;
    private Variable? count;
    private Tensor? meanConstant;
    private Tensor? varianceConstant;
    private Shape buildInputShape = Shape.Scalar;
    private int[] keepAxes = [];
    private int[] reduceAxes = [];
    private int[] broadcastShape = [];
    private Shape meanAndVarShape = Shape.Scalar;

    /// <summary>Creates the layer over one kept axis (Keras 3's arguments and defaults).</summary>
    /// <param name="axis">The axis with its own mean and variance per index.</param>
    /// <param name="mean">The means (null: learned by <see cref="Adapt(Tensor)"/>), aligned with the last kept axes.</param>
    /// <param name="variance">The variances, of the same length as <paramref name="mean"/>.</param>
    /// <param name="invert">Apply the inverse transformation (turn normalized values back).</param>
    public Normalization(int axis = -1, double[]? mean = null, double[]? variance = null, bool invert = false)
        : this([axis], mean, variance, invert)
    {
    }

    /// <summary>Creates the layer with a scalar mean and variance broadcast over the kept axes.</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="variance">The variance.</param>
    /// <param name="axis">The kept axis.</param>
    /// <param name="invert">Apply the inverse transformation.</param>
    public Normalization(double mean, double variance, int axis = -1, bool invert = false)
        : this([axis], [mean], [variance], invert, scalars: true)
    {
    }

    /// <summary>Creates the layer over several kept axes, or none (an empty array: Keras's <c>axis=None</c>).</summary>
    /// <param name="axis">The kept axes (null or empty: one scalar mean and variance).</param>
    /// <param name="mean">The means (null: learned by <see cref="Adapt(Tensor)"/>), aligned with the last kept axes.</param>
    /// <param name="variance">The variances, of the same length as <paramref name="mean"/>.</param>
    /// <param name="invert">Apply the inverse transformation.</param>
    public Normalization(int[]? axis, double[]? mean = null, double[]? variance = null, bool invert = false)
        : this(axis, mean, variance, invert, scalars: false)
    {
    }

    /// <summary>
    /// Creates the layer over several kept axes with a mean and variance per pair of indices (Keras's nested lists): the
    /// two dimensions line up with the last two kept axes (<c>axis: [1, 2]</c> and a <c>(rows, channels)</c> table).
    /// </summary>
    /// <param name="axis">The kept axes (at least two).</param>
    /// <param name="mean">The means, one row per index of the second-to-last kept axis.</param>
    /// <param name="variance">The variances, of the same shape as <paramref name="mean"/>.</param>
    /// <param name="invert">Apply the inverse transformation.</param>
    public Normalization(int[] axis, double[,] mean, double[,] variance, bool invert = false)
        : this(axis, Flat(mean), Flat(variance), invert, scalars: false,
            meanShape: [mean?.GetLength(0) ?? 0, mean?.GetLength(1) ?? 0], varianceShape: [variance?.GetLength(0) ?? 0, variance?.GetLength(1) ?? 0])
    {
    }

    private static double[] Flat(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var flat = new double[values.Length];
        int i = 0;
        foreach (var v in values) flat[i++] = v;
        return flat;
    }

    private Normalization(int[]? axis, double[]? mean, double[]? variance, bool invert, bool scalars, int[]? meanShape = null, int[]? varianceShape = null)
    {
        this.axis = axis is null ? [] : [.. axis];
        meanShape ??= mean is null || scalars ? [] : [mean.Length];
        varianceShape ??= variance is null || scalars ? [] : [variance.Length];
        if ((mean is null) != (variance is null))
            throw new ArgumentException($"When setting values directly, both `mean` and `variance` must be set. Received: mean={Values(mean, scalars)} and variance={Values(variance, scalars)}");
        if (mean is not null)
        {
            if (!meanShape.AsSpan().SequenceEqual(varianceShape))
                throw new ArgumentException($"When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape {PythonText.Tuple(meanShape)} and variance shape {PythonText.Tuple(varianceShape)}");
            if (meanShape.Length > this.axis.Length)
                throw new ArgumentException($"The rank of `mean` must be less than or equal to the number of axes ({this.axis.Length}). Received: mean shape {PythonText.Tuple(meanShape)} for axis {PythonText.Tuple(this.axis)}");
            valuesShape = meanShape;
        }
        inputMean = mean is null ? null : [.. mean];
        inputVariance = variance is null ? null : [.. variance];
        valuesAreScalars = scalars;
        this.invert = invert;
        InputSpec = null;
    }

    private static string Values(double[]? values, bool scalar)
        => values is null ? "None" : scalar ? PythonText.Number(values[0]) : "[" + string.Join(", ", values.Select(PythonText.Number)) + "]";

    /// <summary>The kept axes, as given (empty: Keras's <c>None</c>).</summary>
    public IReadOnlyList<int> Axes => axis;

    /// <summary>Whether the layer applies the inverse transformation.</summary>
    public bool Invert => invert;

    /// <summary>The learned mean (the <c>mean</c> weight), once built without given values.</summary>
    public Variable? AdaptMean => adaptMean;

    /// <summary>The learned variance (the <c>variance</c> weight), once built without given values.</summary>
    public Variable? AdaptVariance => adaptVariance;

    /// <summary>Keras's <c>count</c> weight (int32 scalar; Keras's <c>adapt</c> leaves it 0), once built without given values.</summary>
    public Variable? Count => count;

    /// <summary>Keras's config: the base keys, <c>axis</c> (a list), <c>invert</c>, <c>mean</c>, <c>variance</c> (null, a number or a list).</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Config.Write(axis);
        config["invert"] = invert;
        config["mean"] = ValuesJson(inputMean);
        config["variance"] = ValuesJson(inputVariance);
        return config;
    }

    private JsonNode? ValuesJson(double[]? values)
        => values is null ? null : valuesAreScalars ? JsonValue.Create(values[0]) : Nested(values, 0, 0);

    /// <summary>The values from <paramref name="offset"/> as nested lists of <see cref="valuesShape"/> from <paramref name="dim"/> on.</summary>
    private JsonArray Nested(double[] values, int dim, int offset)
    {
        var list = new JsonArray();
        int stride = 1;
        for (int d = dim + 1; d < valuesShape.Length; d++) stride *= valuesShape[d];
        for (int i = 0; i < valuesShape[dim]; i++)
            list.Add(dim == valuesShape.Length - 1 ? JsonValue.Create(values[offset + i]) : Nested(values, dim + 1, offset + i * stride));
        return list;
    }

    /// <summary>A number or (nested) list of numbers from a config: its values in row-major order and its shape.</summary>
    private static (double[]? Values, int[] Shape) ReadNested(JsonObject config, string key, string cls)
    {
        if (config[key] is not JsonArray top) return (Config.ReadDoubleArrayOrNull(config, key, cls), []);
        var shape = new List<int>();
        for (JsonNode? n = top; n is JsonArray a; n = a.Count > 0 ? a[0] : null) shape.Add(a.Count);
        var values = new List<double>();
        void Walk(JsonNode? node, int dim)
        {
            if (dim == shape.Count)
            {
                if (!Config.TryGetDouble(node, out var v)) throw ConfigException.For(cls, key, $"holds {node?.ToJsonString() ?? "null"} where a number was expected");
                values.Add(v);
                return;
            }
            if (node is not JsonArray a || a.Count != shape[dim]) throw ConfigException.For(cls, key, "is a nested list whose rows differ in length");
            foreach (var item in a) Walk(item, dim + 1);
        }
        Walk(top, 0);
        return ([.. values], [.. shape]);
    }

    /// <summary>The layer from a Keras config: <c>axis</c> an integer, a list or null; <c>mean</c>/<c>variance</c> null, a number or a flat list.</summary>
    public static Normalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "Normalization";
        int[] axes = config["axis"] switch
        {
            null => [],
            JsonArray => Config.ReadInt32Array(config, "axis", cls),
            _ => [Config.ReadInt32(config, "axis", cls)],
        };
        bool invert = Config.ReadBoolean(config, "invert", cls, false);
        bool scalar = config["mean"] is JsonValue;
        string name = Config.ReadName(config, cls);
        Normalization layer;
        if (scalar)
        {
            layer = new Normalization(axes, [Config.ReadDouble(config, "mean", cls)], [Config.ReadDouble(config, "variance", cls)], invert, scalars: true) { Name = name };
        }
        else
        {
            var (mean, meanShape) = ReadNested(config, "mean", cls);
            var (variance, varianceShape) = ReadNested(config, "variance", cls);
            layer = new Normalization(axes, mean, variance, invert, scalars: false, mean is null ? null : meanShape, variance is null ? null : varianceShape) { Name = name };
        }
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>Works out the kept and reduced axes; creates the statistics' weights, or the given statistics' constants.</summary>
    protected void Build(Shape inputShape)
    {
        int ndim = inputShape.Rank;
        if (axis.Any(a => a < -ndim || a >= ndim))
            throw new ArgumentException($"All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={ndim}, while axis={PythonText.Tuple(axis)}");
        buildInputShape = inputShape;
        keepAxes = [.. axis.Select(a => a < 0 ? a + ndim : a).Order()];
        foreach (int d in keepAxes)
            if (inputShape[d] == Shape.Unknown)
                throw new ArgumentException($"All `axis` values to be kept must have a known shape. Received axis={PythonText.Tuple(axis)}, inputs.shape={inputShape}, with unknown axis at index {d}");
        reduceAxes = [.. Enumerable.Range(0, ndim).Where(d => Array.IndexOf(keepAxes, d) < 0)];
        broadcastShape = [.. Enumerable.Range(0, ndim).Select(d => Array.IndexOf(keepAxes, d) >= 0 ? inputShape[d] : 1)];
        meanAndVarShape = new Shape([.. keepAxes.Select(d => inputShape[d])]);
        if (inputMean is null)
        {
            adaptMean = AddWeight("mean", meanAndVarShape, Initializers.Zeros(), trainable: false);
            adaptVariance = AddWeight("variance", meanAndVarShape, Initializers.Ones(), trainable: false);
            count = AddWeight("count", Shape.Scalar, Initializers.Zeros(), dtype: DType.Int32, trainable: false);
            return;
        }
        meanConstant = Given(inputMean, ndim);
        varianceConstant = Given(inputVariance!, ndim);
    }

    private Tensor Given(double[] values, int ndim)
    {
        var target = new Shape(broadcastShape);
        if (valuesAreScalars) return Ops.BroadcastTo(Tensor.Scalar(values[0], DType), target);
        if (valuesShape.Length > keepAxes.Length)
            throw new ArgumentException($"The rank of `mean` must be less than or equal to the number of axes ({keepAxes.Length}). Received: mean shape {PythonText.Tuple(valuesShape)} for axis {PythonText.Tuple(axis)}");
        // Keras: the mean's dimensions line up with the kept axes from the right.
        var expanded = Enumerable.Repeat(1, ndim).ToArray();
        for (int i = 1; i <= valuesShape.Length; i++) expanded[keepAxes[^i]] = valuesShape[^i];
        var t = Ops.Cast(Tensor.From<double>(values, new Shape(expanded)), DType);
        try
        {
            return Ops.BroadcastTo(t, target);
        }
        catch (Exception e) when (e is ArgumentException or ShapeMismatchException)
        {
            throw new ArgumentException($"Normalization: the given mean/variance of shape {PythonText.Tuple(valuesShape)} cannot be broadcast to the kept axes' shape {meanAndVarShape}.", e);
        }
    }

    /// <summary>Normalizes (or, with invert, de-normalizes) the input.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var dt = DType;
        var x = inputs.DType == dt ? inputs : Ops.Cast(inputs, dt);
        Tensor mean, variance;
        if (adaptMean is not null)
        {
            var b = new Shape(broadcastShape);
            mean = Ops.Reshape(adaptMean, b);
            variance = Ops.Reshape(adaptVariance!, b);
        }
        else
        {
            mean = meanConstant!;
            variance = varianceConstant!;
        }
        var std = Ops.Maximum(Ops.Sqrt(variance), Tensor.Scalar(Epsilon, dt));
        return invert ? Ops.Add(mean, Ops.Mul(x, std)) : Ops.Div(Ops.Sub(x, mean), std);
    }

    /// <summary>
    /// Computes the mean and variance of <paramref name="data"/> (samples along the first axis) for each index of the
    /// kept axes and stores them in the layer's weights, like Keras's <c>adapt</c> on an array. Builds the layer from
    /// the data's shape when it is not built.
    /// </summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt([data], isArray: true);
    }

    /// <summary>
    /// Computes the mean and variance over batches (each a tensor with samples along the first axis), combined as
    /// Keras combines the batches of a dataset (the lack-of-fit sum of squares), and stores them in the layer's weights.
    /// </summary>
    public void Adapt(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        Adapt(batches, isArray: false);
    }

    private void Adapt(IEnumerable<Tensor> batches, bool isArray)
    {
        if (inputMean is not null)
            throw new InvalidOperationException($"Layer \"{Name}\": adapt() cannot learn statistics for a Normalization layer given `mean` and `variance`.");
        using var e = batches.GetEnumerator();
        if (!e.MoveNext())
            throw new ArgumentException("adapt() received an empty iterable (no batches). Expected at least one batch. Pass a non-empty iterable of arrays or tensors, e.g. layer.adapt([x]) or layer.adapt(list_of_batches).");
        var first = e.Current;
        if (!IsBuilt)
        {
            BeginBuild();
            Build(first.Shape);
            EndBuild(LayerGen.Layers.BuildConfig.ForInput(first.Shape));
        }
        else
        {
            foreach (int d in keepAxes)
                if (first.Rank != buildInputShape.Rank || first.Shape[d] != buildInputShape[d])
                    throw new ArgumentException($"The layer was built with input_shape={buildInputShape}, but adapt() is being called with data with an incompatible shape, data.shape={first.Shape}");
        }
        Tensor totalMean, totalVar;
        if (isArray)
        {
            (totalMean, totalVar) = Moments(first);
        }
        else
        {
            totalMean = Tensor.Zeros(meanAndVarShape, DType.Float64);
            totalVar = Tensor.Zeros(meanAndVarShape, DType.Float64);
            long totalCount = 0;
            var batch = first;
            while (true)
            {
                foreach (int d in keepAxes)
                    if (batch.Rank != buildInputShape.Rank || batch.Shape[d] != buildInputShape[d])
                        throw new ArgumentException($"adapt() yielded a batch with incompatible shape. Expected {buildInputShape}, got {batch.Shape}.");
                var (batchMean, batchVar) = Moments(batch);
                long batchCount = 1;
                foreach (int d in reduceAxes) batchCount *= batch.Shape[d];
                totalCount += batchCount;
                double batchWeight = (double)batchCount / totalCount;
                double existingWeight = 1.0 - batchWeight;
                var bw = Tensor.Scalar(batchWeight, DType.Float64);
                var ew = Tensor.Scalar(existingWeight, DType.Float64);
                var newMean = Ops.Add(Ops.Mul(totalMean, ew), Ops.Mul(batchMean, bw));
                totalVar = Ops.Add(
                    Ops.Mul(Ops.Add(totalVar, Ops.Square(Ops.Sub(totalMean, newMean))), ew),
                    Ops.Mul(Ops.Add(batchVar, Ops.Square(Ops.Sub(batchMean, newMean))), bw));
                totalMean = newMean;
                if (!e.MoveNext()) break;
                batch = e.Current;
            }
        }
        adaptMean!.Assign(Ops.Cast(totalMean, adaptMean.DType));
        adaptVariance!.Assign(Ops.Cast(totalVar, adaptVariance.DType));
    }

    /// <summary>The mean and (population) variance of one batch over the reduced axes, in float64.</summary>
    private (Tensor Mean, Tensor Variance) Moments(Tensor batch)
    {
        var x = Ops.Cast(batch, DType.Float64);
        if (reduceAxes.Length == 0) return (x, Tensor.Zeros(x.Shape, DType.Float64));
        return (Ops.Mean(x, reduceAxes), Ops.Variance(x, reduceAxes));
    }
}

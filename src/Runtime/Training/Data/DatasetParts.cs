namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// A dataset of the rows of several inputs and targets, for a model with several inputs or outputs (as
    /// <c>tf.data.Dataset.from_tensor_slices(((x1, x2), (y1, y2)))</c>): each element has one row of every tensor, in
    /// <see cref="DataBatch.Inputs"/>, <see cref="DataBatch.Targets"/> and <see cref="DataBatch.SampleWeights"/>
    /// (one per output, null entries for none). Every tensor must have the same number of rows.
    /// </summary>
    public static Dataset FromTensors(Tensor[] x, Tensor[]? y = null, Tensor?[]? sampleWeight = null)
    {
        int n = CheckRows(x, y, sampleWeight);
        return new Dataset(() => PartRows(x, y, sampleWeight, null, null, null, n), n, false);
    }

    /// <summary>
    /// A dataset of the rows of inputs and targets keyed by the model's input and output names (as
    /// <c>from_tensor_slices(({"a": xa, "b": xb}, {"out": y}))</c>): the names are matched to the model's when
    /// <c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> reads the data, and an unknown or missing name is an
    /// <see cref="ArgumentException"/> listing the model's names.
    /// </summary>
    public static Dataset FromTensors(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor>? y = null,
        IReadOnlyDictionary<string, Tensor>? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor[] xs = [.. x.Values];
        Tensor[]? ys = y is null ? null : [.. y.Values];
        Tensor?[]? ws = sampleWeight is null ? null : [.. sampleWeight.Values];
        int n = CheckRows(xs, ys, ws);
        string[] xNames = [.. x.Keys];
        string[]? yNames = y is null ? null : [.. y.Keys];
        string[]? wNames = sampleWeight is null ? null : [.. sampleWeight.Keys];
        return new Dataset(() => PartRows(xs, ys, ws, xNames, yNames, wNames, n), n, false);
    }

    /// <summary>A dataset of the rows of several .NET arrays (converted with <see cref="ToTensor"/>); see <see cref="FromTensors(Tensor[], Tensor[], Tensor[])"/>.</summary>
    public static Dataset FromArrays(Array[] x, Array[]? y = null, Array?[]? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return FromTensors([.. x.Select(ToTensor)], y is null ? null : [.. y.Select(ToTensor)],
            sampleWeight is null ? null : [.. sampleWeight.Select(w => w is null ? null : ToTensor(w))]);
    }

    private static int CheckRows(Tensor[] x, Tensor[]? y, Tensor?[]? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0) throw new ArgumentException("Dataset: give at least one input tensor.", nameof(x));
        int? n = null;
        void Check(Tensor? t, string name)
        {
            if (t is null) return;
            if (t.Rank == 0) throw new ArgumentException($"Dataset: {name} must have a first (sample) axis.", name);
            if (n is { } rows && t.Shape[0] != rows)
                throw new ArgumentException($"Dataset: the tensors have different numbers of samples ({rows}, and {name} has shape {t.Shape}); every input, target and sample weight needs one row per sample.", name);
            n ??= t.Shape[0];
        }
        for (int i = 0; i < x.Length; i++) { ArgumentNullException.ThrowIfNull(x[i], nameof(x)); Check(x[i], $"x[{i}]"); }
        if (y is not null) for (int i = 0; i < y.Length; i++) { ArgumentNullException.ThrowIfNull(y[i], nameof(y)); Check(y[i], $"y[{i}]"); }
        if (sampleWeight is not null) for (int i = 0; i < sampleWeight.Length; i++) Check(sampleWeight[i], $"sampleWeight[{i}]");
        return n!.Value;
    }

    private static IEnumerable<DataBatch> PartRows(Tensor[] x, Tensor[]? y, Tensor?[]? w, string[]? xNames, string[]? yNames, string[]? wNames, int n)
    {
        for (int r = 0; r < n; r++)
        {
            Tensor[] xs = [.. x.Select(t => t[r])];
            Tensor[]? ys = y is null ? null : [.. y.Select(t => t[r])];
            Tensor?[]? ws = w is null ? null : [.. w.Select(t => t?[r])];
            yield return DataBatch.FromParts(xs, ys, ws) with { InputNames = xNames, TargetNames = yNames, SampleWeightNames = wNames };
        }
    }
}

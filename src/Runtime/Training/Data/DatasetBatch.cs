namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Groups consecutive elements into batches of <paramref name="batchSize"/> (the last one smaller unless
    /// <paramref name="dropRemainder"/>), stacking each part along a new first axis, as <c>dataset.batch</c>. Every
    /// element of a pass must have the same parts, shapes and dtypes as the pass's first element; one that differs is a
    /// <see cref="DatasetShapeException"/> naming its index and both shapes. Holds one batch of elements.
    /// </summary>
    public Dataset Batch(int batchSize, bool dropRemainder = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int cardinality = Cardinality < 0 ? Cardinality : dropRemainder ? Cardinality / batchSize : (Cardinality + batchSize - 1) / batchSize;
        var batched = _slices is { } slices
            ? new Dataset(() => slices.Batches(batchSize, dropRemainder), cardinality, true)
            : new Dataset(() => Batches(this, batchSize, dropRemainder), cardinality, true);
        return batched.Linked(Stage.Batch, this, (d, _) => d.Batch(batchSize, dropRemainder), batchSize: batchSize, dropRemainder: dropRemainder);
    }

    private static IEnumerable<DataBatch> Batches(Dataset source, int batchSize, bool dropRemainder)
    {
        var pending = new List<DataBatch>(Math.Min(batchSize, 4096));
        DataBatch? first = null;
        long index = 0;
        foreach (var element in source)
        {
            if (first is { } f) CheckLike(f, element, index);
            else { CheckParts(element, index); first = element; }
            index++;
            pending.Add(element);
            if (pending.Count == batchSize)
            {
                yield return Stack(pending);
                pending.Clear();
            }
        }
        if (pending.Count > 0 && !dropRemainder) yield return Stack(pending);
    }

    private static void CheckParts(DataBatch element, long index)
    {
        if (element.X is null) throw new DatasetShapeException(index, "x", $"element {index} has no x (null).");
        CheckConcrete(element.X, "x", index);
        CheckConcrete(element.Y, "y", index);
        CheckConcrete(element.SampleWeight, "sample_weight", index);
    }

    private static void CheckConcrete(Tensor? t, string name, long index)
    {
        if (t is { IsSymbolic: true })
            throw new DatasetShapeException(index, name, $"element {index}'s {name} is symbolic (spec {t.Spec}); datasets hold concrete tensors.");
    }

    private static void CheckLike(DataBatch first, DataBatch element, long index)
    {
        CheckParts(element, index);
        CheckPart(first.X, element.X, "x", index);
        CheckPart(first.Y, element.Y, "y", index);
        CheckPart(first.SampleWeight, element.SampleWeight, "sample_weight", index);
        CheckParts(first.Inputs, element.Inputs, first.InputNames, element.InputNames, "inputs", index);
        CheckParts(first.Targets, element.Targets, first.TargetNames, element.TargetNames, "targets", index);
        CheckParts(first.SampleWeights, element.SampleWeights, first.SampleWeightNames, element.SampleWeightNames, "sample_weights", index);
    }

    /// <summary>The array parts of an element against the pass's first: as many, under the same names, each like the first's.</summary>
    private static void CheckParts(Tensor?[]? expected, Tensor?[]? actual, string[]? expectedNames, string[]? actualNames, string name, long index)
    {
        if (expected is null && actual is null) return;
        if (expected is null || actual is null || expected.Length != actual.Length)
            throw new DatasetShapeException(index, name, $"element {index} has {actual?.Length ?? 0} {name} but the first element of the pass has {expected?.Length ?? 0}.");
        if (!(expectedNames ?? []).SequenceEqual(actualNames ?? []))
            throw new DatasetShapeException(index, name, $"element {index}'s {name} are named [{string.Join(", ", actualNames ?? [])}] but the first element's are [{string.Join(", ", expectedNames ?? [])}].");
        for (int i = 0; i < expected.Length; i++)
        {
            CheckConcrete(actual[i], $"{name}[{i}]", index);
            CheckPart(expected[i], actual[i], $"{name}[{i}]", index);
        }
    }

    private static void CheckPart(Tensor? expected, Tensor? actual, string name, long index)
    {
        if (expected is null && actual is null) return;
        if (expected is null || actual is null)
            throw new DatasetShapeException(index, name, $"element {index} {(actual is null ? "has no" : "has a")} {name} but the first element of the pass {(expected is null ? "has none" : "has one")}.");
        if (expected.DType != actual.DType)
            throw new DatasetShapeException(index, name, $"element {index}'s {name} has dtype {actual.DType.Name()} but the first element of the pass has {expected.DType.Name()}.", expected.Shape, actual.Shape);
        if (expected.Shape != actual.Shape)
            throw new DatasetShapeException(index, name, $"element {index}'s {name} has shape {actual.Shape} but the first element of the pass has {expected.Shape}: every element of a batched dataset must have the same shapes (pad or resize them in Map).", expected.Shape, actual.Shape);
    }

    private static DataBatch Stack(List<DataBatch> elements)
    {
        var head = elements[0];
        if (head.Inputs is { } inputs)
        {
            var xs = new Tensor[inputs.Length];
            for (int i = 0; i < xs.Length; i++) xs[i] = StackPart(elements, e => e.Inputs![i]);
            Tensor[]? ys = null;
            if (head.Targets is { } targets)
            {
                ys = new Tensor[targets.Length];
                for (int i = 0; i < ys.Length; i++) ys[i] = StackPart(elements, e => e.Targets![i]);
            }
            Tensor?[]? ws = null;
            if (head.SampleWeights is { } weights)
            {
                ws = new Tensor?[weights.Length];
                for (int i = 0; i < ws.Length; i++) ws[i] = weights[i] is null ? null : StackPart(elements, e => e.SampleWeights![i]!);
            }
            return head.WithParts(xs, ys, ws);
        }
        var x = StackPart(elements, static e => e.X);
        var y = elements[0].Y is null ? null : StackPart(elements, static e => e.Y!);
        var w = elements[0].SampleWeight is null ? null : StackPart(elements, static e => e.SampleWeight!);
        return new DataBatch(x, y, w);
    }

    /// <summary>The parts stacked along a new first axis: one allocation, one copy per element.</summary>
    private static Tensor StackPart(List<DataBatch> elements, Func<DataBatch, Tensor> part)
    {
        var first = part(elements[0]);
        int size = first.Size;
        var dims = new int[first.Rank + 1];
        dims[0] = elements.Count;
        for (int i = 0; i < first.Rank; i++) dims[i + 1] = first.Shape[i];
        var result = Tensor.Uninitialized(new Shape(dims), first.DType);
        var target = result.Storage;
        for (int i = 0; i < elements.Count; i++) Array.Copy(part(elements[i]).Storage, 0, target, (long)i * size, size);
        return result;
    }
}

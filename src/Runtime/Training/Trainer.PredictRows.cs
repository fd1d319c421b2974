using LayerGen.Callbacks;

namespace LayerGen.Training;

// Predict on an in-memory tensor, several user batches per plan run: a batch of 128 rows keeps the GEMMs of an MLP
// small (784x256 weights against 128 rows), and running 1,024 rows at once is faster per row. Only when the result is
// the same bit for bit as batch by batch: the prediction graph traced for the larger number of rows must compute row
// for row what the batch's graph computes (Graphs.RowIndependence: every op on the batch says it treats rows
// independently, nothing else depends on the number of rows), and the first batch, predicted by the model's own
// PredictStep as before, must equal its rows of the first stacked run (a PredictStep override, or anything the proof
// missed, then shows, and the rest runs batch by batch). Callbacks still see every user batch
// (OnPredictBatchBegin/End per batch, in order, after the stacked run that computed it); with callbacks of the user's
// own, whose batch hooks could depend on running between batches, Predict runs batch by batch.
internal sealed partial class Trainer
{
    /// <summary>Rows per plan run when <c>Predict</c> stacks user batches (a multiple of the batch size, at most this).</summary>
    internal const int PredictStackRows = 1024;

    // Proven (or refused) pairs of prediction plans: the batch's plan and a plan for more rows.
    private readonly Dictionary<(ExecutionPlan Small, ExecutionPlan Large), bool> _rowProofs = [];

    /// <summary>The planned prediction for <paramref name="spec"/> (traced on first use), or null when prediction cannot be planned.</summary>
    private ExecutionPlan? PredictPlan(TensorSpec spec, bool stacked = false)
    {
        if (_predictPlans.TryGetValue(spec, out var plan)) return plan;
        int traces = TraceCount;
        plan = Trace(() => TensorFunction.Trace(PredictFunction, model.Name + "_predict").Plan(spec), ref _predictTraceFailure, "predict");
        if (plan is not null) Remember(_predictPlans, _predictOrder, spec, plan);
        if (stacked)
        {
            TraceCount = traces; // not one of the user's input signatures (TraceCount counts those, as Keras's retracing)
            StackedTraces++;
        }
        return plan;
    }

    /// <summary>Plans traced for stacked batches (not counted in <see cref="TraceCount"/>).</summary>
    internal int StackedTraces { get; private set; }

    /// <summary>Plan runs over stacked batches since the trainer was made.</summary>
    internal long StackedRuns { get; private set; }

    /// <summary>The plan for <paramref name="batches"/> stacked batches of <paramref name="batch"/>'s spec, when it is proven to give each batch's rows exactly; else null.</summary>
    private ExecutionPlan? StackedPredictPlan(ExecutionPlan small, TensorSpec batch, int batches)
    {
        var large = PredictPlan(new TensorSpec(batch.Shape.With(0, batch.Shape[0] * batches), batch.DType), stacked: true);
        if (large is null) return null;
        if (_rowProofs.Count >= 4 * MaxPlansPerKind) _rowProofs.Clear(); // pairs of plans dropped from the cache since
        if (!_rowProofs.TryGetValue((small, large), out bool proven))
            _rowProofs[(small, large)] = proven = Graphs.RowIndependence.SameRowByRow(small.Graph, large.Graph);
        return proven ? large : null;
    }

    /// <summary>
    /// <c>Predict(x)</c> with several batches per plan run (see the file's remarks), or null when it does not apply (the
    /// caller then predicts batch by batch): no distribution, no callbacks of the user's, planned prediction, at least
    /// two batches per stacked run and <see cref="PredictStackRows"/> rows in all (fewer would not pay for the extra
    /// trace), a prediction graph proven row-independent.
    /// </summary>
    private Tensor? PredictStacked(Tensor x, int batchSize, int verbose, IEnumerable<Callback>? callbacks)
    {
        if (_distribution is not null || (callbacks is not null && callbacks.Any()) || batchSize <= 0 || x.Rank == 0) return null;
        int n = x.Shape[0], per = PredictStackRows / batchSize, fullBatches = n / batchSize;
        if (per < 2 || n < PredictStackRows || _predictTraceFailure is not null || !model.IsBuilt || !MayPlan(x, null, null)) return null;
        var batchSpec = new TensorSpec(x.Shape.With(0, batchSize), x.DType);
        if (PredictPlan(batchSpec) is not { } small) return null;
        per = Math.Min(per, fullBatches);
        if (StackedPredictPlan(small, batchSpec, per) is not { } stacked) return null;

        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        var cbs = BeginDatasetPredict(callbacks, verbose, (n + batchSize - 1) / batchSize, empty);
        // Batch 0 through the model's PredictStep, as batch by batch.
        cbs.OnPredictBatchBegin(0, empty);
        long planned = _plannedPredictSteps;
        var first = model.PredictStep(CopyRows(x, 0, batchSize, null));
        cbs.OnPredictBatchEnd(0, empty);
        var outputs = new List<Tensor> { first };
        int step = 1;
        bool stacking = _plannedPredictSteps == planned + 1 && first.Rank >= 1 && first.Shape[0] == batchSize;
        Tensor? result = null, input = null;
        int outInner = 0;
        if (stacking)
        {
            result = Tensor.Uninitialized(first.Shape.With(0, n), first.DType);
            outInner = first.Size / batchSize;
            Array.Copy(first.Storage, 0, result.Storage, 0, first.Size);
        }
        while (stacking && step < fullBatches)
        {
            // Stacked runs start at batch 0 (the first run also re-computes batch 0, to check it against PredictStep's).
            int from = step == 1 ? 0 : step, count = Math.Min(per, fullBatches - from);
            var plan = count == per ? stacked : count >= 2 ? StackedPredictPlan(small, batchSpec, count) : null;
            if (plan is null) break;
            input = CopyRows(x, from * batchSize, (from + count) * batchSize, input is not null && input.Shape[0] == count * batchSize ? input : null);
            var output = plan.Run(input);
            _plannedPredictSteps++;
            if (from == 0 && !SameBits(output, first, batchSize * outInner)) { stacking = false; break; }
            StackedRuns++;
            Array.Copy(output.Storage, 0, result!.Storage, (long)from * batchSize * outInner, (long)count * batchSize * outInner);
            for (; step < from + count; step++)
            {
                cbs.OnPredictBatchBegin(step, empty);
                cbs.OnPredictBatchEnd(step, empty);
            }
        }
        // What is left (the last, smaller batch; everything after batch 0 if the check failed) batch by batch.
        if (stacking) outputs.Clear();
        for (; step * batchSize < n; step++)
        {
            cbs.OnPredictBatchBegin(step, empty);
            int start = step * batchSize, end = Math.Min(n, start + batchSize);
            var predicted = model.PredictStep(CopyRows(x, start, end, null));
            if (stacking && predicted.DType == result!.DType && predicted.Rank == result.Rank && predicted.Size == (end - start) * outInner)
                Array.Copy(predicted.Storage, 0, result.Storage, (long)start * outInner, predicted.Size);
            else
            {
                if (stacking) { outputs.Add(CopyRows(result!, 0, start, null)); stacking = false; }
                outputs.Add(predicted);
            }
            cbs.OnPredictBatchEnd(step, empty);
        }
        cbs.OnPredictEnd(empty);
        if (stacking) return result!;
        return outputs.Count == 1 ? outputs[0] : Ops.Concat(outputs, 0);
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="x"/> in <paramref name="into"/> (same shape) or a new tensor.</summary>
    private static Tensor CopyRows(Tensor x, int start, int end, Tensor? into)
    {
        int inner = x.Shape[0] == 0 ? 0 : x.Size / x.Shape[0];
        var target = into ?? Tensor.Uninitialized(x.Shape.With(0, end - start), x.DType);
        Array.Copy(x.Storage, (long)start * inner, target.Storage, 0, (long)(end - start) * inner);
        return target;
    }

    /// <summary>Whether the first <paramref name="count"/> elements of <paramref name="a"/> and <paramref name="b"/> have the same bits.</summary>
    private static bool SameBits(Tensor a, Tensor b, int count)
    {
        if (a.DType != b.DType || a.Size < count || b.Size < count) return false;
        var ab = a.AsBytes();
        var bb = b.AsBytes();
        int bytes = ab.Length / Math.Max(1, a.Size) * count;
        return ab[..bytes].SequenceEqual(bb[..bytes]);
    }
}

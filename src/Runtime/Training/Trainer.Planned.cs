using LayerGen.Optimizers;

namespace LayerGen.Training;

// Planned steps (Keras's compiled train_function / test_function / predict_function): the default TrainStep,
// TestStep and PredictStep trace the model's forward pass, ComputeLoss and the tape's gradients once per input
// signature (shapes and dtypes of x, y and the sample weights), plan the graph (ExecutionPlan: buffers planned
// ahead, dense layers fused), and per batch run the plan, then apply the optimizer to the plan's gradient outputs
// and update the metrics from its loss and prediction outputs. Compile(runEagerly: true) keeps the eager steps.
// docs/training.md, "How Fit runs", gives the choices.
internal sealed partial class Trainer
{
    /// <summary>At most this many plans per step kind are kept; a new signature beyond it drops the oldest.</summary>
    private const int MaxPlansPerKind = 8;

    private readonly Dictionary<StepSignature, PlannedStep> _trainPlans = [];
    private readonly Dictionary<StepSignature, PlannedStep> _testPlans = [];
    private readonly Dictionary<TensorSpec, ExecutionPlan> _predictPlans = [];
    private readonly List<StepSignature> _trainOrder = [], _testOrder = [];
    private readonly List<TensorSpec> _predictOrder = [];
    private string? _trainTraceFailure, _testTraceFailure, _predictTraceFailure;
    private bool _runEagerly;

    // Counts of default planned steps and default ComputeMetrics calls: Fit, Evaluate and Predict reuse their batch
    // tensors only while each step ran them (BatchBuffers), since none keeps the batch's x.
    private long _plannedTrainSteps, _plannedTestSteps, _plannedPredictSteps, _metricUpdates;

    /// <summary>
    /// Whether the steps run eagerly, op by op (Keras's <c>run_eagerly</c>), instead of as traced, planned steps
    /// (the default). Set by <c>Compile(runEagerly: true)</c> or directly; eager steps are slower but every op runs
    /// as written, which helps debugging.
    /// </summary>
    public bool RunEagerly
    {
        get => _runEagerly;
        set { _runEagerly = value; ClearPlans(); }
    }

    /// <summary>How many steps have been traced (training, evaluation and prediction together) since the last <c>Compile</c>.</summary>
    public int TraceCount { get; private set; }

    /// <summary>
    /// Why the planned steps fell back to eager ones, or null: a trace that failed (a layer or an overridden
    /// <c>ComputeLoss</c> that reads values, which a trace does not have) switches that step kind to the eager path
    /// for this model, with one <see cref="System.Diagnostics.Trace"/> warning.
    /// </summary>
    public string? TraceFailure => _trainTraceFailure ?? _testTraceFailure ?? _predictTraceFailure ?? MultiTraceFailure;

    private void ClearPlans()
    {
        _trainPlans.Clear();
        _testPlans.Clear();
        _predictPlans.Clear();
        _trainOrder.Clear();
        _testOrder.Clear();
        _predictOrder.Clear();
        _rowProofs.Clear();
        _trainTraceFailure = _testTraceFailure = _predictTraceFailure = null;
        ClearMultiPlans();
    }

    /// <summary>The shapes and dtypes a step is traced for (absent targets or weights: null).</summary>
    private readonly record struct StepSignature(TensorSpec X, TensorSpec? Y, TensorSpec? SampleWeight)
    {
        public static StepSignature Of(Tensor x, Tensor? y, Tensor? sampleWeight) => new(x.Spec, y?.Spec, sampleWeight?.Spec);
    }

    /// <summary>
    /// A planned step: its plan (outputs: loss, prediction, then one gradient per trainable variable that has one)
    /// and the reused arrays that carry the inputs in and the gradients out.
    /// </summary>
    private sealed class PlannedStep(ExecutionPlan plan, int[] gradientOf, int inputCount, int variableCount)
    {
        public ExecutionPlan Plan { get; } = plan;
        /// <summary>For each gradient output (after loss and prediction), the index of its variable.</summary>
        public int[] GradientOf { get; } = gradientOf;
        public Tensor[] Inputs { get; } = new Tensor[inputCount];
        public Tensor?[] Gradients { get; } = new Tensor?[variableCount];
        /// <summary>
        /// For each row-sparse gradient (after the dense ones: a pair of outputs, the rows' gradients and their indices),
        /// the index of its variable.
        /// </summary>
        public int[] RowSparseOf { get; init; } = [];

        /// <summary>Fills <see cref="Gradients"/> from a run's outputs: the dense ones, then the row-sparse ones as <see cref="IndexedSlices"/>.</summary>
        public Tensor?[] CollectGradients(IReadOnlyList<Tensor> outputs, IReadOnlyList<Variable> variables)
        {
            for (int i = 0; i < GradientOf.Length; i++) Gradients[GradientOf[i]] = outputs[2 + i];
            for (int k = 0, at = 2 + GradientOf.Length; k < RowSparseOf.Length; k++, at += 2)
                Gradients[RowSparseOf[k]] = new IndexedSlices(outputs[at], outputs[at + 1], variables[RowSparseOf[k]].Shape);
            return Gradients;
        }

        /// <summary>Where the prediction's mask leaves the plan (<see cref="PredictionMasks"/>), if it has one.</summary>
        public PredictionMasks Masks { get; init; } = PredictionMasks.None;

        /// <summary>Attaches the mask output (if any) to the prediction output (output 1), for the metrics.</summary>
        public void AttachMask(IReadOnlyList<Tensor> outputs) => Masks.Attach(outputs, 1);

        /// <summary>
        /// Runs the plan on x, y and the sample weights (those present); the outputs belong to the plan. With
        /// <paramref name="gradientReady"/>, each variable's gradient is reported (variable index, value) as soon as the
        /// plan has computed it.
        /// </summary>
        public IReadOnlyList<Tensor> Run(Tensor x, Tensor? y, Tensor? sampleWeight, Action<int, Tensor>? gradientReady = null)
        {
            int n = 0;
            Inputs[n++] = x;
            if (y is not null) Inputs[n++] = y;
            if (sampleWeight is not null) Inputs[n++] = sampleWeight;
            try
            {
                return gradientReady is null ? Plan.RunAll(Inputs)
                    : Plan.RunAll(Inputs, (o, t) => { if (o >= 2 && o - 2 < GradientOf.Length) gradientReady(GradientOf[o - 2], t); });
            }
            finally { Array.Clear(Inputs); } // the plan must not keep the caller's batch alive
        }
    }

    /// <summary>Whether this call may take a planned step: not run eagerly, concrete inputs, no trace in progress.</summary>
    private bool MayPlan(Tensor x, Tensor? y, Tensor? sampleWeight)
        => !_runEagerly && !x.IsSymbolic && y is not { IsSymbolic: true } && sampleWeight is not { IsSymbolic: true }
           && !StepTracing.Active && CallContext.Current is null;

    /// <summary>
    /// The planned training step: run the plan (forward, loss, gradients), reduce the gradients across ranks if
    /// distributed, apply the optimizer (constraints after it), update the metrics from the plan's outputs. Null
    /// when the step cannot be traced (the caller then takes the eager step).
    /// </summary>
    private Dictionary<string, double>? PlannedTrainStep(Optimizer optimizer, Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        if (_trainTraceFailure is not null || !MayPlan(x, y, sampleWeight)) return null;
        var variables = _trainVariables!;
        var step = GetPlan(_trainPlans, _trainOrder, StepSignature.Of(x, y, sampleWeight), training: true, ref _trainTraceFailure);
        if (step is null) return null;
        var overlap = _distribution?.BeginGradientReduction(variables); // all-reduces started during the backward pass
        var outputs = step.Run(x, y, sampleWeight, overlap is null ? null : overlap.GradientReady);
        var grads = step.CollectGradients(outputs, variables);
        IReadOnlyList<Tensor?> reduced = grads;
        if (overlap is not null) reduced = [.. overlap.Finish(grads)];
        else if (_distribution is not null) reduced = [.. _distribution.ReduceGradients(grads, variables)];
        optimizer.Apply(reduced, variables, _trainConstraints);
        Array.Clear(grads); // the plan's buffers are overwritten by the next run
        _plannedTrainSteps++;
        step.AttachMask(outputs);
        return model.ComputeMetrics(x, y, outputs[1], outputs[0], sampleWeight);
    }

    /// <summary>The planned evaluation step: run the plan (forward with training: false, loss), update the metrics. Null: not traceable.</summary>
    private Dictionary<string, double>? PlannedTestStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        if (_testTraceFailure is not null || !MayPlan(x, y, sampleWeight)) return null;
        var step = GetPlan(_testPlans, _testOrder, StepSignature.Of(x, y, sampleWeight), training: false, ref _testTraceFailure);
        if (step is null) return null;
        var outputs = step.Run(x, y, sampleWeight);
        _plannedTestSteps++;
        step.AttachMask(outputs);
        return model.ComputeMetrics(x, y, outputs[1], outputs[0], sampleWeight);
    }

    /// <summary>
    /// The default prediction step (Keras's <c>predict_step</c> in its <c>predict_function</c>): the model called with
    /// <c>training: false</c>, planned per input signature unless the model runs eagerly. The result is the caller's (a copy of the plan's output).
    /// </summary>
    public Tensor PredictStep(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (_predictTraceFailure is null && MayPlan(x, null, null) && model.IsBuilt)
        {
            if (PredictPlan(x.Spec) is { } plan)
            {
                var output = plan.Run(x);
                _plannedPredictSteps++;
                return new Tensor((Array)output.Storage.Clone(), output.Shape, output.DType);
            }
        }
        return model.CallWithTraining(x, training: false);
    }

    /// <summary>What a prediction plan traces: the model with <c>training: false</c>, inside a <see cref="StepTracing"/> scope.</summary>
    private Tensor PredictFunction(Tensor x)
    {
        using var scope = StepTracing.Begin();
        return model.CallWithTraining(x, training: false);
    }

    private PlannedStep? GetPlan(Dictionary<StepSignature, PlannedStep> plans, List<StepSignature> order, StepSignature signature, bool training, ref string? failure)
    {
        if (plans.TryGetValue(signature, out var step)) return step;
        step = Trace(() => TraceStep(signature, training), ref failure, training ? "train" : "test");
        if (step is not null) Remember(plans, order, signature, step);
        return step;
    }

    private static void Remember<TKey, TValue>(Dictionary<TKey, TValue> plans, List<TKey> order, TKey key, TValue value) where TKey : notnull
    {
        if (order.Count >= MaxPlansPerKind) { plans.Remove(order[0]); order.RemoveAt(0); }
        plans[key] = value;
        order.Add(key);
    }

    /// <summary>
    /// Runs a trace; a failure (an exception while tracing or planning) is remembered, warned about once, and gives
    /// null so the caller takes the eager step, which raises the same error if it is the user's (wrong shapes, no loss).
    /// </summary>
    private T? Trace<T>(Func<T> trace, ref string? failure, string kind) where T : class
    {
        try
        {
            var result = trace();
            TraceCount++;
            return result;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
            System.Diagnostics.Trace.TraceWarning(
                $"Model \"{model.Name}\": the {kind} step could not be traced ({failure}); it runs eagerly from now on. Compile with runEagerly: true to say so explicitly.");
            return null;
        }
    }

    /// <summary>Traces and plans a training (gradients included) or evaluation step for <paramref name="signature"/>.</summary>
    private PlannedStep TraceStep(StepSignature signature, bool training)
    {
        var specs = new List<TensorSpec> { signature.X };
        if (signature.Y is { } ys) specs.Add(ys);
        if (signature.SampleWeight is { } ws) specs.Add(ws);
        var variables = training ? _trainVariables! : [];
        int[] gradientOf = [];
        var masks = PredictionMasks.None;
        int[] rowSparseOf = [];
        Tensor[] StepFunction(Tensor[] inputs)
        {
            int n = 1;
            var x = inputs[0];
            var y = signature.Y is null ? null : inputs[n++];
            var sampleWeight = signature.SampleWeight is null ? null : inputs[n];
            using var scope = StepTracing.Begin();
            if (!training)
            {
                var pred = model.CallWithTraining(x, training: false);
                Tensor[] evaluation = [model.ComputeLoss(x, y, pred, sampleWeight), pred];
                return PredictionMasks.Append(evaluation, [pred], out masks);
            }
            Tensor yPred, loss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                yPred = model.CallWithTraining(x, training: true);
                loss = model.ComputeLoss(x, y, yPred, sampleWeight);
                grads = tape.Gradient(loss, [.. variables]);
            }
            var outputs = new List<Tensor> { loss, yPred };
            var of = new List<int>();
            var rowSparse = new List<(int Variable, OpNode Node)>();
            for (int i = 0; i < grads.Length; i++)
            {
                if (grads[i] is not { } g) continue;
                if (RowSparseGradient(g) is { } node) rowSparse.Add((i, node));
                else { outputs.Add(g); of.Add(i); }
            }
            gradientOf = [.. of];
            // A row-sparse gradient (an Embedding table's) leaves the plan as its rows and indices, after the dense ones.
            foreach (var (_, node) in rowSparse) { outputs.Add(node.Inputs[0]); outputs.Add(node.Inputs[1]); }
            rowSparseOf = [.. rowSparse.Select(r => r.Variable)];
            return PredictionMasks.Append(outputs, [yPred], out masks);
        }
        var plan = TensorFunction.Trace(StepFunction, specs.Count, model.Name + (training ? "_train_step" : "_test_step")).Plan([.. specs]);
        return new PlannedStep(plan, gradientOf, specs.Count, variables.Count) { Masks = masks, RowSparseOf = rowSparseOf };
    }

    /// <summary>
    /// The GatherGrad node (axis 0) a traced gradient is, when the step may hand it to the optimizer row-sparse: not
    /// distributed (the all-reduce sums dense gradients). Null otherwise (the gradient is computed dense in the plan).
    /// </summary>
    private OpNode? RowSparseGradient(Tensor gradient)
        => _distribution is null && gradient.Node is { Op: GatherGradOp { Axis: 0 } } node && node.Inputs[0].DType == DType.Float32 ? node : null;
}

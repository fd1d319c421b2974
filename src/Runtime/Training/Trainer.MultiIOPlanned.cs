using LayerGen.Optimizers;

namespace LayerGen.Training;

// Planned steps for models with several inputs and outputs (Trainer.MultiIO.cs), as Trainer.Planned.cs does for one
// input and one output: traced once per signature (the specs of every input, target and sample weight; absent ones
// are not graph inputs), planned, and run per batch; the optimizer and the per-output metrics work on the plan's outputs.
internal sealed partial class Trainer
{
    private readonly List<(TensorSpec?[] Specs, MultiPlannedStep Step)> _multiTrainPlans = [], _multiTestPlans = [];
    private readonly List<(TensorSpec[] Specs, ExecutionPlan Plan)> _multiPredictPlans = [];
    private string? _multiTrainTraceFailure, _multiTestTraceFailure, _multiPredictTraceFailure;

    private void ClearMultiPlans()
    {
        _multiTrainPlans.Clear();
        _multiTestPlans.Clear();
        _multiPredictPlans.Clear();
        _multiTrainTraceFailure = _multiTestTraceFailure = _multiPredictTraceFailure = null;
    }

    private string? MultiTraceFailure => _multiTrainTraceFailure ?? _multiTestTraceFailure ?? _multiPredictTraceFailure;

    /// <summary>
    /// A planned multi-output step. Plan outputs: the total loss, the loss of each output that has one (in order), every
    /// prediction, then one gradient per trainable variable that has one, then the predictions' masks
    /// (<see cref="PredictionMasks"/>).
    /// </summary>
    private sealed class MultiPlannedStep(ExecutionPlan plan, int predictions, int[] lossOf, int[] gradientOf, int inputCount, int variableCount)
    {
        public ExecutionPlan Plan { get; } = plan;
        public int Predictions { get; } = predictions;
        public int[] LossOf { get; } = lossOf;
        public int[] GradientOf { get; } = gradientOf;
        public Tensor[] Inputs { get; } = new Tensor[inputCount];
        public Tensor?[] Gradients { get; } = new Tensor?[variableCount];
        /// <summary>Where the predictions' masks leave the plan.</summary>
        public PredictionMasks Masks { get; init; } = PredictionMasks.None;
    }

    /// <summary>The specs of x, then y and the sample weights per output (null where absent).</summary>
    private static TensorSpec?[] MultiSpecs(Tensor[] x, Tensor?[] y, Tensor?[]? sampleWeight)
    {
        var specs = new TensorSpec?[x.Length + 2 * y.Length];
        for (int i = 0; i < x.Length; i++) specs[i] = x[i].Spec;
        for (int i = 0; i < y.Length; i++)
        {
            specs[x.Length + i] = y[i]?.Spec;
            specs[x.Length + y.Length + i] = sampleWeight is not null && i < sampleWeight.Length ? sampleWeight[i]?.Spec : null;
        }
        return specs;
    }

    private static bool SameSpecs(TensorSpec?[] cached, Tensor[] x, Tensor?[] y, Tensor?[]? sampleWeight)
    {
        if (cached.Length != x.Length + 2 * y.Length) return false;
        for (int i = 0; i < x.Length; i++) if (cached[i] != x[i].Spec) return false;
        for (int i = 0; i < y.Length; i++)
        {
            if (cached[x.Length + i] != y[i]?.Spec) return false;
            var w = sampleWeight is not null && i < sampleWeight.Length ? sampleWeight[i] : null;
            if (cached[x.Length + y.Length + i] != w?.Spec) return false;
        }
        return true;
    }

    private bool MayPlan(Tensor[] x, Tensor?[] y, Tensor?[]? sampleWeight)
    {
        if (_runEagerly || StepTracing.Active || CallContext.Current is not null || !model.IsBuilt || model.Outputs.Count == 0) return false;
        foreach (var t in x) if (t.IsSymbolic) return false;
        foreach (var t in y) if (t is { IsSymbolic: true }) return false;
        if (sampleWeight is not null) foreach (var t in sampleWeight) if (t is { IsSymbolic: true }) return false;
        return true;
    }

    /// <summary>Runs a multi-output step's plan on the present inputs, targets and weights; the outputs belong to the plan.</summary>
    private static IReadOnlyList<Tensor> RunMulti(MultiPlannedStep step, Tensor[] x, Tensor?[] y, Tensor?[]? sampleWeight)
    {
        int n = 0;
        foreach (var t in x) step.Inputs[n++] = t;
        foreach (var t in y) if (t is not null) step.Inputs[n++] = t;
        if (sampleWeight is not null) for (int i = 0; i < y.Length && i < sampleWeight.Length; i++) if (sampleWeight[i] is { } w) step.Inputs[n++] = w;
        try { return step.Plan.RunAll(step.Inputs); }
        finally { Array.Clear(step.Inputs); }
    }

    private (Tensor Total, Tensor?[] PerOutput, Tensor[] Predictions) Unpack(MultiPlannedStep step, IReadOnlyList<Tensor> outputs, int outputCount)
    {
        step.Masks.Attach(outputs, 1 + step.LossOf.Length);
        var perOutput = new Tensor?[outputCount];
        for (int i = 0; i < step.LossOf.Length; i++) perOutput[step.LossOf[i]] = outputs[1 + i];
        var predictions = new Tensor[step.Predictions];
        for (int i = 0; i < predictions.Length; i++) predictions[i] = outputs[1 + step.LossOf.Length + i];
        return (outputs[0], perOutput, predictions);
    }

    /// <summary>The planned multi-output training step, or null (not traceable: the caller takes the eager step).</summary>
    private Dictionary<string, double>? PlannedMultiTrainStep(Optimizer optimizer, Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        if (_multiTrainTraceFailure is not null || !MayPlan(x, y, sampleWeight)) return null;
        var step = GetMultiPlan(_multiTrainPlans, x, y, sampleWeight, training: true, ref _multiTrainTraceFailure);
        if (step is null) return null;
        var outputs = RunMulti(step, x, y, sampleWeight);
        var (total, perOutput, predictions) = Unpack(step, outputs, y.Length);
        var grads = step.Gradients;
        int first = 1 + step.LossOf.Length + step.Predictions;
        for (int i = 0; i < step.GradientOf.Length; i++) grads[step.GradientOf[i]] = outputs[first + i];
        if (_distribution is not null) optimizer.Apply([.. _distribution.ReduceGradients(grads, _trainVariables!)], _trainVariables!, _trainConstraints);
        else optimizer.Apply(grads, _trainVariables!, _trainConstraints);
        Array.Clear(grads);
        _lastOutputLosses = perOutput;
        return model.ComputeMetrics(x, y, predictions, total, sampleWeight);
    }

    /// <summary>The planned multi-output evaluation step, or null.</summary>
    private Dictionary<string, double>? PlannedMultiTestStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        if (_multiTestTraceFailure is not null || !MayPlan(x, y, sampleWeight)) return null;
        EnsureOutputs(OutputCount);
        var step = GetMultiPlan(_multiTestPlans, x, y, sampleWeight, training: false, ref _multiTestTraceFailure);
        if (step is null) return null;
        var (total, perOutput, predictions) = Unpack(step, RunMulti(step, x, y, sampleWeight), y.Length);
        _lastOutputLosses = perOutput;
        return model.ComputeMetrics(x, y, predictions, total, sampleWeight);
    }

    /// <summary>The model's outputs for one batch of several inputs, planned per input signature (copies: the caller's); null: not planned.</summary>
    private Tensor[]? PlannedMultiPredict(Tensor[] x)
    {
        if (_multiPredictTraceFailure is not null || !MayPlan(x, [], null)) return null;
        ExecutionPlan? plan = null;
        foreach (var (specs, p) in _multiPredictPlans)
            if (specs.Length == x.Length && specs.AsSpan().SequenceEqual(x.Select(t => t.Spec).ToArray())) { plan = p; break; }
        if (plan is null)
        {
            TensorSpec[] specs = [.. x.Select(t => t.Spec)];
            plan = Trace(() => TensorFunction.Trace(inputs =>
            {
                using var scope = StepTracing.Begin();
                return model.CallWithTraining(inputs, training: false);
            }, x.Length, model.Name + "_predict").Plan(specs),
                ref _multiPredictTraceFailure, "predict");
            if (plan is null) return null;
            if (_multiPredictPlans.Count >= MaxPlansPerKind) _multiPredictPlans.RemoveAt(0);
            _multiPredictPlans.Add((specs, plan));
        }
        var outputs = plan.RunAll(x);
        var result = new Tensor[outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = new Tensor((Array)outputs[i].Storage.Clone(), outputs[i].Shape, outputs[i].DType);
        return result;
    }

    private MultiPlannedStep? GetMultiPlan(List<(TensorSpec?[] Specs, MultiPlannedStep Step)> plans, Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight, bool training, ref string? failure)
    {
        foreach (var (specs, cached) in plans)
            if (SameSpecs(specs, x, y, sampleWeight)) return cached;
        var signature = MultiSpecs(x, y, sampleWeight);
        var step = Trace(() => TraceMultiStep(signature, x.Length, y.Length, training), ref failure, training ? "train" : "test");
        if (step is null) return null;
        if (plans.Count >= MaxPlansPerKind) plans.RemoveAt(0);
        plans.Add((signature, step));
        return step;
    }

    private MultiPlannedStep TraceMultiStep(TensorSpec?[] signature, int inputs, int outputs, bool training)
    {
        TensorSpec[] specs = [.. signature.Where(s => s is not null).Select(s => s!.Value)];
        var variables = training ? _trainVariables! : [];
        int[] lossOf = [], gradientOf = [];
        int predictions = 0;
        var masks = PredictionMasks.None;
        Tensor[] StepFunction(Tensor[] flat)
        {
            int n = 0;
            var x = new Tensor[inputs];
            for (int i = 0; i < inputs; i++) x[i] = flat[n++];
            var y = new Tensor[outputs];
            for (int i = 0; i < outputs; i++) y[i] = signature[inputs + i] is null ? null! : flat[n++];
            Tensor?[]? sampleWeight = null;
            for (int i = 0; i < outputs; i++)
                if (signature[inputs + outputs + i] is not null) (sampleWeight ??= new Tensor?[outputs])[i] = flat[n++];
            using var scope = StepTracing.Begin();
            Tensor[] yPred;
            Tensor total;
            Tensor?[] perOutput;
            Tensor?[] grads = [];
            if (training)
            {
                using var tape = new GradientTape();
                yPred = model.CallWithTraining(x, training: true);
                _lastOutputLosses = null;
                total = model.ComputeLoss(x, y, yPred, sampleWeight);
                perOutput = TakeOutputLosses(yPred.Length);
                grads = tape.Gradient(total, [.. variables]);
            }
            else
            {
                yPred = model.CallWithTraining(x, training: false);
                _lastOutputLosses = null;
                total = model.ComputeLoss(x, y, yPred, sampleWeight);
                perOutput = TakeOutputLosses(yPred.Length);
            }
            var result = new List<Tensor> { total };
            var losses = new List<int>();
            for (int i = 0; i < perOutput.Length; i++) if (perOutput[i] is { } l) { result.Add(l); losses.Add(i); }
            result.AddRange(yPred);
            var of = new List<int>();
            for (int i = 0; i < grads.Length; i++) if (grads[i] is { } g) { result.Add(g); of.Add(i); }
            lossOf = [.. losses];
            gradientOf = [.. of];
            predictions = yPred.Length;
            return PredictionMasks.Append(result, yPred, out masks);
        }
        var plan = TensorFunction.Trace(StepFunction, specs.Length, model.Name + (training ? "_train_step" : "_test_step")).Plan(specs);
        return new MultiPlannedStep(plan, predictions, lossOf, gradientOf, specs.Length, variables.Count) { Masks = masks };
    }
}

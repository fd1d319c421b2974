namespace LayerGen.Models;

// Training hooks: the overridable steps (Keras 3's train_step, test_step, predict_step, compute_loss,
// compute_metrics). Their default bodies, Compile/Fit/Evaluate/Predict and the compiled state live in the
// training layer (src/Runtime/Training/Trainer.cs, ModelTraining.cs), which plugs itself in through
// IModelTrainer: a model never names an optimizer, a loss, a metric or a callback.
public partial class Model
{
    private IModelTrainer? _trainer;

    /// <summary>Creates a model's trainer; set by the training layer when the assembly loads.</summary>
    internal static Func<Model, IModelTrainer>? TrainerFactory { get; set; }

    /// <summary>This model's trainer (its compiled state), created on first use.</summary>
    internal IModelTrainer Trainer => _trainer ??= (TrainerFactory ?? throw new InvalidOperationException("LayerGen's training layer is not initialized."))(this);

    /// <summary>Set by callbacks (<c>EarlyStopping</c>, <c>TerminateOnNaN</c>) to end <c>Fit</c> after the current batch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// Calls the model on <paramref name="x"/> with <paramref name="training"/> set for every layer beneath it
    /// (also in subclassed models whose <c>Call</c> takes no training flag); the losses of the last call are cleared first.
    /// </summary>
    public Tensor CallWithTraining(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor[] outputs;
        if (CallContext.Current is not null)
            outputs = Invoke(new CallArguments([x], null, training));
        else
        {
            var context = CallContext.Begin();
            context.Training = training;
            ClearLosses();
            try { outputs = Invoke(new CallArguments([x], null, training)); }
            finally { CallContext.End(); }
        }
        if (outputs.Length != 1) throw new NotSupportedException($"Model \"{Name}\" has {outputs.Length} outputs; call the overloads taking arrays (Fit(Tensor[] x, Tensor[] y), TrainOnBatch, Evaluate, Predict), which train models with several inputs and outputs.");
        return outputs[0];
    }

    /// <summary>
    /// Calls the model on several inputs (in the order of <see cref="Inputs"/>) with <paramref name="training"/> set for
    /// every layer beneath it; returns every output. The losses of the last call are cleared first.
    /// </summary>
    public Tensor[] CallWithTraining(Tensor[] x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (CallContext.Current is not null)
            return Invoke(new CallArguments(x, null, training));
        var context = CallContext.Begin();
        context.Training = training;
        ClearLosses();
        try { return Invoke(new CallArguments(x, null, training)); }
        finally { CallContext.End(); }
    }

    /// <summary>
    /// The total loss of a batch (Keras's <c>compute_loss</c>): the compiled loss of <paramref name="y"/> and
    /// <paramref name="yPred"/> weighted by <paramref name="sampleWeight"/>, plus the sum of the layers'
    /// <see cref="Layer.Losses"/> (<c>AddLoss</c>, weight regularizers, activity regularizers).
    /// </summary>
    public virtual Tensor ComputeLoss(Tensor x, Tensor? y, Tensor yPred, Tensor? sampleWeight)
        => Trainer.ComputeLoss(x, y, yPred, sampleWeight);

    /// <summary>
    /// Updates the loss tracker (weighted by the batch size, as Keras does) and the compiled metrics (unweighted),
    /// and returns the running results: <c>loss</c>, then each metric by name.
    /// </summary>
    public virtual Dictionary<string, double> ComputeMetrics(Tensor x, Tensor? y, Tensor yPred, Tensor loss, Tensor? sampleWeight)
        => Trainer.ComputeMetrics(x, y, yPred, loss, sampleWeight);

    /// <summary>
    /// One training step (Keras's <c>train_step</c>): forward pass with <c>training: true</c> under a
    /// gradient tape, <see cref="ComputeLoss(Tensor, Tensor?, Tensor, Tensor?)"/>, gradients, the optimizer's update (constraints
    /// applied after it), then <see cref="ComputeMetrics(Tensor, Tensor?, Tensor, Tensor, Tensor?)"/>. Override it for a custom training loop.
    /// </summary>
    public virtual Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        => Trainer.TrainStep(x, y, sampleWeight);

    /// <summary>One evaluation step (Keras's <c>test_step</c>): forward pass with <c>training: false</c>, loss, metrics.</summary>
    public virtual Dictionary<string, double> TestStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        => Trainer.TestStep(x, y, sampleWeight);

    /// <summary>
    /// One prediction step (Keras's <c>predict_step</c>): the model called with <c>training: false</c>, by default as a
    /// plan traced for the input's shape (unless the model was compiled with <c>runEagerly: true</c>); the result is the caller's.
    /// </summary>
    public virtual Tensor PredictStep(Tensor x) => Trainer.PredictStep(x);

    /// <summary>
    /// The total loss of a batch of a model with several inputs or outputs (Keras's <c>compute_loss</c> with structured
    /// data): each output's compiled loss of <paramref name="y"/> and <paramref name="yPred"/> (weighted by that output's
    /// <paramref name="sampleWeight"/>) times its loss weight, summed, plus the layers' <see cref="Layer.Losses"/>. The
    /// default also keeps each output's loss for <see cref="ComputeMetrics(Tensor[], Tensor[], Tensor[], Tensor, Tensor?[])"/>
    /// (the <c>&lt;output&gt;_loss</c> logs), as Keras's compiled loss tracks them.
    /// </summary>
    public virtual Tensor ComputeLoss(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor?[]? sampleWeight)
        => Trainer.ComputeLoss(x, y, yPred, sampleWeight);

    /// <summary>
    /// Updates the loss trackers (total and, from the last <see cref="ComputeLoss(Tensor[], Tensor[], Tensor[], Tensor?[])"/>,
    /// per output) and the per-output metrics, and returns the running results (<c>loss</c>, <c>&lt;output&gt;_loss</c>,
    /// <c>&lt;output&gt;_&lt;metric&gt;</c>).
    /// </summary>
    public virtual Dictionary<string, double> ComputeMetrics(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor loss, Tensor?[]? sampleWeight)
        => Trainer.ComputeMetrics(x, y, yPred, loss, sampleWeight);

    /// <summary>
    /// One training step on several inputs and targets (Keras's <c>train_step(data)</c> with <c>data = (x, y, sample_weight)</c>
    /// structures: one array per input, per output, per output's weights, in the order of <see cref="Inputs"/> and
    /// <see cref="Outputs"/>; dictionaries given to <c>Fit</c> arrive here in that order). The default traces and plans the step
    /// per signature, as <see cref="TrainStep(Tensor, Tensor?, Tensor?)"/> does. Override it for a custom training loop over
    /// such a model: <c>Fit</c>, <c>TrainOnBatch</c> and their array and dictionary overloads call the override.
    /// </summary>
    public virtual Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
        => Trainer.TrainStep(x, y, sampleWeight);

    /// <summary>One evaluation step on several inputs and targets (Keras's <c>test_step(data)</c>); overridable like <see cref="TrainStep(Tensor[], Tensor[], Tensor?[])"/>.</summary>
    public virtual Dictionary<string, double> TestStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
        => Trainer.TestStep(x, y, sampleWeight);

    /// <summary>One prediction step on several inputs (Keras's <c>predict_step</c>): every output, planned per input signature by default; the results are the caller's.</summary>
    public virtual Tensor[] PredictStep(Tensor[] x) => Trainer.PredictStep(x);

    /// <summary>
    /// The model's inference (<see cref="PredictStep(Tensor)"/>, <c>training: false</c>) traced for inputs of exactly
    /// <paramref name="input"/> and prepared as an <see cref="ExecutionPlan"/>, as Keras traces its
    /// <c>predict_function</c>: planned buffers, dense layers fused with their bias and activation, nothing
    /// allocated per run once warm. The plan reads the model's variables at each run (training later is seen);
    /// its outputs are overwritten by the next run. The model must be built or buildable from <paramref name="input"/>.
    /// </summary>
    public ExecutionPlan Plan(TensorSpec input)
    {
        if (!input.Shape.IsFullyDefined)
            throw new ArgumentException($"{Name}.Plan: the input spec {input} needs a fully defined shape (fix the batch size the plan runs at).", nameof(input));
        // Variables are created by a first concrete call; tracing then captures them.
        if (!IsBuilt) PredictStep(Tensor.Zeros(input.Shape, input.DType));
        return TensorFunction.Trace(PredictStep, Name + "_predict").Plan(input);
    }
}

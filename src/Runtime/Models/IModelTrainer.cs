namespace LayerGen.Models;

/// <summary>
/// What a <see cref="Model"/>'s overridable steps delegate to by default: the training layer's
/// <c>Trainer</c> (Keras 3's trainer), plugged in from above so models never name optimizers, losses,
/// metrics or callbacks. One per model, holding the compiled state.
/// </summary>
internal interface IModelTrainer
{
    /// <summary>The default <see cref="Model.ComputeLoss(Tensor, Tensor?, Tensor, Tensor?)"/>.</summary>
    Tensor ComputeLoss(Tensor x, Tensor? y, Tensor yPred, Tensor? sampleWeight);

    /// <summary>The default <see cref="Model.ComputeMetrics(Tensor, Tensor?, Tensor, Tensor, Tensor?)"/>.</summary>
    Dictionary<string, double> ComputeMetrics(Tensor x, Tensor? y, Tensor yPred, Tensor loss, Tensor? sampleWeight);

    /// <summary>The default <see cref="Model.TrainStep(Tensor, Tensor?, Tensor?)"/>.</summary>
    Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight);

    /// <summary>The default <see cref="Model.TestStep(Tensor, Tensor?, Tensor?)"/>.</summary>
    Dictionary<string, double> TestStep(Tensor x, Tensor? y, Tensor? sampleWeight);

    /// <summary>The default <see cref="Model.PredictStep(Tensor)"/>.</summary>
    Tensor PredictStep(Tensor x);

    /// <summary>The default <see cref="Model.ComputeLoss(Tensor[], Tensor[], Tensor[], Tensor?[])"/>.</summary>
    Tensor ComputeLoss(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor?[]? sampleWeight);

    /// <summary>The default <see cref="Model.ComputeMetrics(Tensor[], Tensor[], Tensor[], Tensor, Tensor?[])"/>.</summary>
    Dictionary<string, double> ComputeMetrics(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor loss, Tensor?[]? sampleWeight);

    /// <summary>The default <see cref="Model.TrainStep(Tensor[], Tensor[], Tensor?[])"/>.</summary>
    Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight);

    /// <summary>The default <see cref="Model.TestStep(Tensor[], Tensor[], Tensor?[])"/>.</summary>
    Dictionary<string, double> TestStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight);

    /// <summary>The default <see cref="Model.PredictStep(Tensor[])"/>.</summary>
    Tensor[] PredictStep(Tensor[] x);
}

namespace LayerGen.Callbacks;

/// <summary>Sets the learning rate at the start of each epoch from <c>schedule(epoch, currentLr)</c> (Keras's <c>LearningRateScheduler</c>).</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0) : Callback
{
    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        var optimizer = RequireModel().Optimizer ?? throw new InvalidOperationException("LearningRateScheduler: the model is not compiled.");
        double lr = schedule(epoch, (float)optimizer.LearningRate);
        optimizer.LearningRate = lr;
        if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {Format(lr)}.");
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        logs["learning_rate"] = (float)RequireModel().Optimizer!.LearningRate;
    }
}

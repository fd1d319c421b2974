namespace LayerGen.Callbacks;

/// <summary>Stops training when the batch loss is NaN or infinite (Keras's <c>TerminateOnNaN</c>).</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The batch on which training was stopped, or -1.</summary>
    public int StoppedBatch { get; private set; } = -1;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.TryGetValue("loss", out var loss) && !double.IsFinite(loss))
        {
            Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
            StoppedBatch = batch;
            RequireModel().StopTraining = true;
        }
    }
}

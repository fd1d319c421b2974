namespace LayerGen.LayerGeneration.Tests;

// Layers whose recorded calls Layer.InvokeRecorded replays from the Call signature in the registration list
// (no generated InvokeRecorded): a training default, a list, a mask; and one without a signature.

/// <summary><c>training</c> defaults to true: a replayed call that leaves it out must see true.</summary>
[Layer]
public partial class TrainingByDefault
{
    protected Tensor Call(Tensor x, bool training = true) => training ? x + 1.0 : x;
}

/// <summary>A list of tensors built from one shape per tensor: a replay must pass them as a list.</summary>
[Layer]
public partial class SumList
{
    /// <summary>How many shapes the last <c>Build</c> got.</summary>
    public int BuildInputs { get; private set; }

    protected void Build(Shape[] inputShape) => BuildInputs = inputShape.Length;

    protected Tensor Call(Tensor[] inputs)
    {
        var sum = inputs[0];
        for (int i = 1; i < inputs.Length; i++) sum += inputs[i];
        return sum;
    }
}

/// <summary>Takes a mask: a replay passes the recorded one.</summary>
[Layer]
public partial class Masked
{
    protected Tensor Call(Tensor x, Tensor? mask = null) => mask is null ? x : x * mask;
}

#pragma warning disable LG0015 // on purpose: a layer without [Layer], so no registered Call signature
/// <summary>Not marked <c>[Layer]</c> and no <c>InvokeRecorded</c>: it cannot replay a recorded call.</summary>
public sealed class Unmarked : Layer
{
}
#pragma warning restore LG0015

using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>ActivityRegularization</c>: passes its input through and adds <c>l1 * sum(|x|) + l2 * sum(x^2)</c> of
/// it to the losses (its activity regularizer is an <c>L1L2</c>). Its config holds <c>l1</c> and <c>l2</c>, not the
/// regularizer.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class ActivityRegularization
{
    private readonly double l1;
    private readonly double l2;

    /// <summary>Creates the layer.</summary>
    /// <param name="l1">The L1 factor.</param>
    /// <param name="l2">The L2 factor.</param>
    public ActivityRegularization(double l1 = 0.0, double l2 = 0.0)
    {
        this.l1 = l1;
        this.l2 = l2;
        ActivityRegularizer = Regularizers.L1L2(l1, l2);
        InputSpec = null;
    }

    /// <summary>The L1 factor.</summary>
    public double L1 => l1;

    /// <summary>The L2 factor.</summary>
    public double L2 => l2;

    /// <summary>Keras's config: the base keys without <c>activity_regularizer</c>, then <c>l1</c> and <c>l2</c>.</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("activity_regularizer");
        config["l1"] = l1;
        config["l2"] = l2;
        return config;
    }

    /// <summary>The input, unchanged (the regularizer's loss is added by the call).</summary>
    protected Tensor Call(Tensor inputs) => inputs;
}

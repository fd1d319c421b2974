using System.Text.Json.Nodes;

namespace LayerGen.Losses;

/// <summary>
/// A Keras 3 loss: <see cref="Call"/> computes the per-sample losses (<see cref="ComputeLosses"/>), multiplies
/// by the sample weights when given, and reduces them: <c>"sum_over_batch_size"</c> (the default: the sum
/// divided by the number of loss values), <c>"sum"</c>, or <c>"none"</c> (the per-sample values).
/// Everything is written with ops, so the result is differentiable.
/// </summary>
public abstract class Loss
{
    /// <summary>
    /// Keras's epsilon (<c>keras.config.epsilon()</c>), used to clip probabilities to <c>[1e-7, 1 - 1e-7]</c>. A
    /// double, so float64 tensors clip at exactly those bounds; float32 tensors round them to float32 as before.
    /// </summary>
    public const double Epsilon = 1e-7;

    /// <summary>Creates the loss.</summary>
    protected Loss(string name, string reduction)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (reduction is not ("sum_over_batch_size" or "sum" or "none" or "mean" or "mean_with_sample_weight"))
            throw new ArgumentException($"Invalid value for argument `reduction`. Expected one of sum_over_batch_size, sum, none, mean, mean_with_sample_weight. Received: reduction={reduction}", nameof(reduction));
        Name = name;
        Reduction = reduction;
    }

    /// <summary>The loss's name (Keras: the snake-case function name, e.g. <c>mean_squared_error</c>).</summary>
    public string Name { get; }

    /// <summary>The reduction: <c>sum_over_batch_size</c>, <c>sum</c>, <c>none</c> (or <c>mean</c>, <c>mean_with_sample_weight</c>).</summary>
    public string Reduction { get; }

    /// <summary>Keras's class name.</summary>
    public abstract string ClassName { get; }

    /// <summary>
    /// The loss of a batch, weighted by <paramref name="sampleWeight"/> (per sample, broadcast to the loss values) and
    /// reduced. When <paramref name="yPred"/> carries a mask (<see cref="KerasMask"/>; a masked sequence model's
    /// output) or the loss values do, the masked-out entries weigh 0, and the mean reductions divide by the entries
    /// kept, as Keras's <c>Loss.__call__</c> does (<see cref="ApplyMask"/>).
    /// </summary>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (!KeepsIntegerTargets && yTrue.DType != yPred.DType) yTrue = Ops.Cast(yTrue, yPred.DType);
        var mask = KerasMask.Of(yPred);
        var values = ComputeLosses(yTrue, yPred);
        if (KerasMask.Of(values) is { } outMask) mask = mask is null ? outMask : MaskLogic.And(mask, outMask);
        return Reduce(values, ApplyMask(sampleWeight, mask, values.DType, Reduction), Reduction);
    }

    /// <summary>
    /// Keras's <c>apply_mask</c>: merges a mask into the sample weights. For the mean reductions
    /// (<c>sum_over_batch_size</c>, <c>mean</c>) a kept entry weighs <c>total / kept</c> (0 when nothing is kept), so
    /// the mean over all entries becomes the mean over the kept ones; for the others (<c>sum</c>, the metrics) it
    /// weighs 1. Masked-out entries weigh 0. With sample weights too, the two multiply (the weights expanded over the
    /// mask's trailing axes). Null when both are null.
    /// </summary>
    /// <param name="sampleWeight">The sample weights, or null.</param>
    /// <param name="mask">A bool (or 0/1) mask, or null.</param>
    /// <param name="dtype">The float dtype of the weights made.</param>
    /// <param name="reduction">The reduction the weights are for.</param>
    public static Tensor? ApplyMask(Tensor? sampleWeight, Tensor? mask, DType dtype, string reduction)
    {
        ArgumentNullException.ThrowIfNull(reduction);
        if (mask is null) return sampleWeight;
        var kept = AsBool(mask);
        Tensor floatMask;
        if (reduction is "mean" or "sum_over_batch_size")
        {
            var ones = Ops.Cast(kept, dtype);
            var total = mask.Shape.IsFullyDefined
                ? Tensor.Scalar((double)mask.Shape.Size, dtype)
                : Ops.Sum(Ops.Add(Ops.Mul(ones, Tensor.Scalar(0.0, dtype)), Tensor.Scalar(1.0, dtype)));
            var valid = Ops.Sum(ones);
            // divide_no_nan(total, valid): valid counts kept entries, so max(valid, 1) only changes the all-masked case,
            // where every weight is 0 anyway.
            var weight = Ops.Div(total, Ops.Maximum(valid, Tensor.Scalar(1.0, dtype)));
            floatMask = Ops.Where(kept, weight, Tensor.Scalar(0.0, dtype));
        }
        else floatMask = Ops.Cast(kept, dtype);
        if (sampleWeight is null) return floatMask;
        var sw = sampleWeight.DType == dtype ? sampleWeight : Ops.Cast(sampleWeight, dtype);
        (floatMask, sw) = SameRank(floatMask, sw);
        return Ops.Mul(sw, floatMask);
    }

    private static Tensor AsBool(Tensor mask) => MaskLogic.AsBool(mask);

    /// <summary>Applies sample weights and a reduction to loss values (Keras's <c>reduce_weighted_values</c>).</summary>
    public static Tensor Reduce(Tensor values, Tensor? sampleWeight, string reduction)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (sampleWeight is not null)
        {
            var sw = sampleWeight.DType == values.DType ? sampleWeight : Ops.Cast(sampleWeight, values.DType);
            (values, sw) = SameRank(values, sw);
            values = Ops.Mul(values, sw);
            sampleWeight = sw;
        }
        if (reduction == "none") return values;
        var loss = Ops.Sum(values);
        if (reduction == "sum") return loss;
        double divisor = reduction == "mean_with_sample_weight" && sampleWeight is not null
            ? Ops.Sum(sampleWeight).ToScalar<float>()
            : values.Shape.Size;
        return divisor == 0 ? Ops.Mul(loss, Tensor.Scalar(0.0, loss.DType)) : Ops.Div(loss, Tensor.Scalar(divisor, loss.DType));
    }

    /// <summary>Squeezes or expands the weights to the rank of the values (Keras's <c>squeeze_or_expand_to_same_rank</c>).</summary>
    internal static (Tensor, Tensor) SameRank(Tensor values, Tensor weights)
    {
        if (weights.Rank == values.Rank + 1 && weights.Shape[^1] == 1) weights = Ops.Squeeze(weights, weights.Rank - 1);
        else if (values.Rank == weights.Rank + 1 && values.Shape[^1] == 1) values = Ops.Squeeze(values, values.Rank - 1);
        while (weights.Rank < values.Rank) weights = Ops.ExpandDims(weights, weights.Rank);
        return (values, weights);
    }

    /// <summary>Whether <c>y_true</c> keeps its integer dtype (sparse losses); otherwise it is cast to <c>y_pred</c>'s dtype.</summary>
    protected virtual bool KeepsIntegerTargets => false;

    /// <summary>The unreduced loss values, one per sample (the last axis reduced).</summary>
    public abstract Tensor ComputeLosses(Tensor yTrue, Tensor yPred);

    /// <summary>Keras's config: <c>name</c>, <c>reduction</c> and the loss's own arguments (generated for <c>[KerasSerializable]</c> losses).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["reduction"] = Reduction };

    /// <summary>Keras's registered name, <c>package&gt;ClassName</c> (generated for <c>[KerasSerializable]</c> losses).</summary>
    public virtual string RegisteredName => "keras.losses>" + ClassName;

    /// <summary>The serialized form: <c>module</c>, <c>class_name</c>, <c>config</c>, <c>registered_name</c> (null for Keras's losses).</summary>
    public JsonObject Serialize() => KerasRegistry<Loss>.Serialize(RegisteredName, ClassName, GetConfig());

    /// <summary>
    /// A loss from a Keras identifier with default arguments: an alias declared on a <c>[KerasSerializable]</c> loss
    /// (<c>mse</c>/<c>mean_squared_error</c>, <c>mae</c>, <c>huber</c>, <c>binary_crossentropy</c>,
    /// <c>categorical_crossentropy</c>, <c>sparse_categorical_crossentropy</c>, <c>kld</c>/<c>kl_divergence</c>,
    /// <c>cosine_similarity</c>) or a registered class name. Throws <see cref="ConfigException"/> for an unknown one.
    /// </summary>
    public static Loss Get(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var loss = KerasRegistry<Loss>.Get(identifier);
        loss.Identifier = identifier;
        return loss;
    }

    /// <summary>The string this loss was made from (<c>"mse"</c>), or null; Keras's compile_config keeps such a loss as the string.</summary>
    internal string? Identifier { get; private set; }

    /// <summary>This loss as Keras's compile_config holds it: the identifier it was given as, else <see cref="Serialize"/>.</summary>
    internal JsonNode ToCompileConfig() => Identifier is { } id ? JsonValue.Create(id) : Serialize();

    /// <summary>A loss from either form Keras writes: an identifier, or <c>{module, class_name, config, registered_name}</c>.</summary>
    public static Loss Deserialize(JsonNode serialized) => KerasRegistry<Loss>.Deserialize(serialized);

    /// <summary>A loss from a string, for <c>Compile(loss: "mse")</c>.</summary>
    public static implicit operator Loss(string identifier) => Get(identifier);

    internal static Tensor C(double value, Tensor like) => Tensor.Scalar(value, like.DType);
}

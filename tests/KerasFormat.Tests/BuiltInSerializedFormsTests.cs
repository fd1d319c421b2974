using System.Text.Json.Nodes;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// What the built-in losses, metrics, optimizers, schedules, initializers, regularizers and constraints write:
/// byte for byte what they wrote before their configs were generated (the golden file was written by the
/// hand-written serializers), for default and non-default arguments, identifiers and read-back copies.
/// </summary>
public class BuiltInSerializedFormsTests
{
    [Fact]
    public void SerializedFormsAreUnchanged()
    {
        var lines = new List<string>();
        void P(string what, JsonNode? n) => lines.Add(what + " " + (n?.ToJsonString() ?? "null"));
        Loss[] losses = [new LayerGen.Losses.MeanSquaredError(), new LayerGen.Losses.MeanAbsoluteError("sum", "m"), new Huber(2.5), new BinaryCrossentropy(true, 0.1, -2),
            new CategoricalCrossentropy(labelSmoothing: 0.2), new SparseCategoricalCrossentropy(true, 3), new SparseCategoricalCrossentropy(), new KLDivergence(), new CosineSimilarity(1)];
        foreach (var l in losses) P("loss", l.Serialize());
        foreach (var id in new[] { "mse", "mae", "huber", "huber_loss", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kld", "kl_divergence", "cosine_similarity", "MeanSquaredError", "Huber" })
            P("loss:" + id, Loss.Get(id).Serialize());
        foreach (var l in losses) P("lossrt", Loss.Get(l.ClassName).GetType().Name);
        Metric[] metrics = [new Mean(), new Sum("s"), new Accuracy(), new BinaryAccuracy(0.3), new CategoricalAccuracy(), new SparseCategoricalAccuracy(),
            new TopKCategoricalAccuracy(3), new LayerGen.Metrics.MeanSquaredError(), new LayerGen.Metrics.MeanAbsoluteError(), new Precision(0.4), new Recall(), new AUC(50)];
        foreach (var m in metrics) { P("metric", m.Serialize()); P("metriccc", m.ToCompileConfig()); }
        foreach (var id in new[] { "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy", "mse", "mae", "precision", "recall", "auc" })
        { var m = Metric.Get(id); P("metric:" + id, m.Serialize()); P("metriccc:" + id, m.ToCompileConfig()); }
        foreach (var m in metrics) P("metricrt", Metric.Deserialize(m.Serialize()).Serialize());
        LearningRateSchedule[] schedules = [new ExponentialDecay(0.1, 10, 0.9, true), new InverseTimeDecay(0.1, 5, 0.5), new PolynomialDecay(0.1, 100, 0.001, 2, true, "p"),
            new CosineDecay(0.1, 100), new CosineDecay(0.1, 100, 0.1, "c", 0.5, 10), new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])];
        foreach (var s in schedules) { P("schedule", s.Serialize()); P("schedulert", LearningRateSchedule.Deserialize(s.Serialize()).Serialize()); }
        Optimizer[] optimizers = [new SGD(), new SGD(0.1, 0.9, true, clipnorm: 1), new Adam(), new Adam(0.01, 0.8, 0.9, 1e-5, true, weightDecay: 0.1, clipvalue: 2), new AdamW(), new AdamW(weightDecay: 0.01, globalClipnorm: 3),
            new RMSprop(), new RMSprop(centered: true, schedule: new ExponentialDecay(0.1, 10, 0.9)), new Adagrad(), new Adamax(), new Nadam(name: "n")];
        foreach (var o in optimizers) P("optimizer", o.Serialize());
        foreach (var id in new[] { "adam", "adamw", "sgd", "rmsprop", "adagrad", "adamax", "nadam", "Adam", "SGD" }) P("optimizer:" + id, Optimizer.Get(id).Serialize());
        Initializer[] inits = [Initializers.Zeros(), Initializers.Ones(), Initializers.Constant(2), Initializers.RandomNormal(1, 2, 3), Initializers.RandomUniform(seed: 4), Initializers.TruncatedNormal(),
            Initializers.VarianceScaling(2, "fan_out", "uniform", 5), Initializers.GlorotUniform(), Initializers.GlorotNormal(7), Initializers.HeNormal(), Initializers.HeUniform(), Initializers.LecunNormal(), Initializers.LecunUniform(1),
            Initializers.Orthogonal(2, 3), Initializers.Identity(3)];
        foreach (var i in inits) { P("init", i.Serialize()); P("initrt", Initializer.Deserialize(i.Serialize()).Serialize()); }
        foreach (var id in new[] { "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal", "Orthogonal", "identity", "Identity", "GlorotUniform" })
            P("init:" + id, Initializer.Get(id).Serialize());
        Regularizer[] regs = [Regularizers.L1(), Regularizers.L2(0.5), Regularizers.L1L2(0.1, 0.2)];
        foreach (var r in regs) { P("reg", r.Serialize()); P("regrt", Regularizer.Deserialize(r.Serialize()).Serialize()); }
        foreach (var id in new[] { "l1", "l2", "l1_l2" }) P("reg:" + id, Regularizer.Deserialize(JsonValue.Create(id)).Serialize());
        Constraint[] cons = [Constraints.MaxNorm(), Constraints.MaxNorm(3, 1), Constraints.NonNeg(), Constraints.UnitNorm(1), Constraints.MinMaxNorm(0.1, 2, 0.5, 1)];
        foreach (var c in cons) { P("con", c.Serialize()); P("conrt", Constraint.Deserialize(c.Serialize()).Serialize()); }
        foreach (var id in new[] { "max_norm", "non_neg", "unit_norm", "min_max_norm" }) P("con:" + id, Constraint.Deserialize(JsonValue.Create(id)).Serialize());

        var golden = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "builtin-serialized-forms.txt"));
        Assert.Equal(golden.Length, lines.Count);
        for (int i = 0; i < golden.Length; i++) Assert.Equal(golden[i], lines[i]);
    }
}

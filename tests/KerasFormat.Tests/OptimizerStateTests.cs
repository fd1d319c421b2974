using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Optimizers;
using PureHDF;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Every optimizer (and every schedule) survives <c>Save</c>/<c>Load</c>: same config, same slots, and the next step
/// gives the same weights; the file's <c>optimizer/vars</c> follow Keras 3's build order.
/// </summary>
public class OptimizerStateTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f, 0.3f, -2f, 1.5f], new Shape(3, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f, 0.5f, 0.5f], new Shape(3, 2));

    /// <summary>Optimizers and, per optimizer, Keras 3's slot layout: groups created by one <c>build</c> call each, a group's names per weight.</summary>
    private static readonly Dictionary<string, (Func<Optimizer> Make, string[][] Groups, string[] Extra)> Cases = new()
    {
        ["sgd"] = (() => new SGD(0.05), [], []),
        ["sgd_momentum_nesterov"] = (() => new SGD(0.05, momentum: 0.8, nesterov: true, clipnorm: 1.0), [["momentum"]], []),
        ["adam"] = (() => new Adam(0.01, beta1: 0.85, beta2: 0.99, epsilon: 1e-6), [["momentum", "velocity"]], []),
        ["adam_amsgrad"] = (() => new Adam(0.01, amsgrad: true, globalClipnorm: 2.0), [["momentum", "velocity"], ["velocity_hat"]], []),
        ["adamw"] = (() => new AdamW(0.01, weightDecay: 0.01, clipvalue: 0.5), [["momentum", "velocity"]], []),
        ["rmsprop"] = (() => new RMSprop(0.01), [["velocity"]], []),
        ["rmsprop_momentum_centered"] = (() => new RMSprop(0.01, rho: 0.8, momentum: 0.5, centered: true, weightDecay: 0.001),
            [["velocity"], ["momentum"], ["average_gradient"]], []),
        ["adagrad"] = (() => new Adagrad(0.05, initialAccumulatorValue: 0.2, epsilon: 1e-6), [["accumulator"]], []),
        ["adamax"] = (() => new Adamax(0.02, beta1: 0.8), [["m", "u"]], []),
        ["nadam"] = (() => new Nadam(0.01, beta2: 0.99), [["momentum", "velocity"]], ["u_product"]),
        ["adam_exponential_decay"] = (() => new Adam(schedule: new ExponentialDecay(0.02, 2, 0.5, staircase: true)), [["momentum", "velocity"]], []),
        ["sgd_piecewise_constant"] = (() => new SGD(momentum: 0.9, schedule: new PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])), [["momentum"]], []),
        ["rmsprop_inverse_time"] = (() => new RMSprop(schedule: new InverseTimeDecay(0.01, 3, 0.5)), [["velocity"]], []),
        ["adagrad_polynomial"] = (() => new Adagrad(schedule: new PolynomialDecay(0.1, 5, 0.01, power: 2, cycle: true)), [["accumulator"]], []),
        ["nadam_cosine_warmup"] = (() => new Nadam(schedule: new CosineDecay(0.001, 10, alpha: 0.1, warmupTarget: 0.01, warmupSteps: 2)), [["momentum", "velocity"]], ["u_product"]),
        ["adamax_cosine"] = (() => new Adamax(schedule: new CosineDecay(0.01, 4)), [["m", "u"]], []),
    };

    public static IEnumerable<object[]> Names() => Cases.Keys.Select(k => new object[] { k });

    private static Sequential Compiled(string name, int steps)
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(4, activation: "relu"), new Dense(2)]);
        model.Compile(Cases[name].Make(), "mse");
        for (int i = 0; i < steps; i++) model.TrainOnBatch(X, Y);
        return model;
    }

    private static float[] AllWeights(Model m) => m.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void SavedAfterStepsLoadsWithTheSameStateAndTakesTheSameNextStep(string name)
    {
        var model = Compiled(name, steps: 3);
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            var a = model.Optimizer!;
            var b = loaded.Optimizer!;
            Assert.Equal(a.GetType(), b.GetType());
            Assert.Equal(a.Serialize().ToJsonString(), b.Serialize().ToJsonString());
            Assert.Equal(3L, b.Iterations.ToScalar<long>());
            Assert.Equal(a.LearningRate, b.LearningRate);
            Assert.Equal(a.Schedule?.GetType(), b.Schedule?.GetType());
            var av = a.KerasVariables;
            var bv = b.KerasVariables;
            Assert.Equal(av.Count, bv.Count);
            for (int i = 0; i < av.Count; i++) Assert.Equal(av[i].ToDoubleArray(), bv[i].ToDoubleArray());
            // Slot by slot, by name.
            var slotNames = Cases[name].Groups.SelectMany(g => g).ToList();
            var wa = model.TrainableVariables;
            var wb = loaded.TrainableVariables;
            for (int j = 0; j < wa.Count; j++)
                foreach (var s in slotNames)
                    Assert.Equal(a.GetSlot(wa[j], s).ToFloatArray(), b.GetSlot(wb[j], s).ToFloatArray());
            // One more step on each: identical weights.
            model.TrainOnBatch(X, Y);
            loaded.TrainOnBatch(X, Y);
            Assert.Equal(AllWeights(model), AllWeights(loaded));
            Assert.Equal(4L, b.Iterations.ToScalar<long>());
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OptimizerVarsFollowKerasBuildOrder(string name)
    {
        var model = Compiled(name, steps: 2);
        var opt = model.Optimizer!;
        var (_, groups, extra) = Cases[name];
        // What Keras 3 stores: iteration, learning rate (unless a schedule), the slots group by group (within a
        // group weight by weight, the group's names per weight), then optimizer-wide variables.
        var expected = new List<(string What, Tensor Value)> { ("iteration", Tensor.Scalar(2)) };
        if (opt.Schedule is null) expected.Add(("learning_rate", Tensor.Scalar((float)opt.LearningRate)));
        var weights = model.TrainableVariables;
        foreach (var g in groups)
            for (int j = 0; j < weights.Count; j++)
                foreach (var s in g) expected.Add(($"{s} of weight {j}", opt.GetSlot(weights[j], s)));
        var named = opt.GetCheckpointVariables().ToDictionary(p => p.Key, p => p.Value);
        foreach (var e in extra) expected.Add((e, named[e]));

        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var h5 = Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes;
            using var file = H5File.Open(new MemoryStream(h5), leaveOpen: false);
            var group = file.Group("optimizer/vars");
            Assert.Equal(expected.Count, group.Children().Count());
            Assert.Equal(opt.Name, group.Attribute("name").Read<string>());
            for (int i = 0; i < expected.Count; i++)
            {
                var ds = group.Dataset(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var (what, value) = expected[i];
                Assert.True(value.Shape.Rank == ds.Space.Dimensions.Length, $"optimizer/vars/{i} ({what}): rank {ds.Space.Dimensions.Length}, expected {value.Shape}");
                if (i == 0)
                {
                    Assert.Equal(4, (int)ds.Type.Size); // int32, as Keras writes the iteration
                    Assert.Equal(2, ds.Read<int>());
                    continue;
                }
                float[] stored = value.Shape.Rank == 0 ? [ds.Read<float>()] : ds.Read<float[]>();
                Assert.True(value.ToFloatArray().SequenceEqual(stored), $"optimizer/vars/{i} should hold {what}");
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ScheduleIsWrittenAsAKerasScheduleObject()
    {
        var model = Compiled("adam_exponential_decay", steps: 1);
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var config = JsonNode.Parse(Archives.Config(path))!;
            var lr = config["compile_config"]!["optimizer"]!["config"]!["learning_rate"]!.AsObject();
            Assert.Equal("keras.optimizers.schedules", lr["module"]!.GetValue<string>());
            Assert.Equal("ExponentialDecay", lr["class_name"]!.GetValue<string>());
            Assert.Null(lr["registered_name"]);
            var c = lr["config"]!.AsObject();
            Assert.Equal(0.02, c["initial_learning_rate"]!.GetValue<double>());
            Assert.Equal(2, c["decay_steps"]!.GetValue<long>());
            Assert.Equal(0.5, c["decay_rate"]!.GetValue<double>());
            Assert.True(c["staircase"]!.GetValue<bool>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FileWithOnlyIterationAndLearningRateLoadsLikeKerasBeforeTheFirstStep()
    {
        // Keras saves a compiled, never-stepped model with just the iteration and the learning rate (only the
        // iteration with a schedule): the loaded optimizer keeps its fresh slots and steps like the original.
        foreach (var name in new[] { "nadam", "rmsprop_momentum_centered", "adagrad", "adam_exponential_decay" })
        {
            var model = Compiled(name, steps: 0);
            int count = model.Optimizer!.Schedule is null ? 2 : 1;
            var path = Archives.Temp(".keras");
            var kerasLike = Archives.Temp(".keras");
            try
            {
                model.Save(path);
                var entries = Archives.Entries(path);
                var h5 = Archives.RewriteHdf5(entries.Single(e => e.Name == "model.weights.h5").Bytes, "optimizer/vars",
                    arrays => arrays.RemoveRange(count, arrays.Count - count));
                Assert.Contains($"G optimizer/vars {count}", Archives.ListHdf5(h5));
                Archives.Write(kerasLike, entries.Select(e => (e.Name, e.Name == "model.weights.h5" ? h5 : e.Bytes)));
                var loaded = Model.Load(kerasLike);
                Assert.Equal(0L, loaded.Optimizer!.Iterations.ToScalar<long>());
                loaded.TrainOnBatch(X, Y);
                model.TrainOnBatch(X, Y);
                Assert.Equal(AllWeights(model), AllWeights(loaded));
            }
            finally { File.Delete(path); File.Delete(kerasLike); }
        }
    }

    [Fact]
    public void NadamFromTheOlderLayoutWithUProductFirstLoads()
    {
        // Keras versions before add_optimizer_variables created u_product before the slots: vars/2 is the scalar.
        var model = Compiled("nadam", steps: 2);
        var path = Archives.Temp(".keras");
        var older = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var entries = Archives.Entries(path);
            var h5 = entries.Single(e => e.Name == "model.weights.h5").Bytes;
            var moved = Archives.RewriteHdf5(h5, "optimizer/vars", arrays =>
            {
                var last = arrays[^1];
                arrays.RemoveAt(arrays.Count - 1);
                arrays.Insert(2, last);
            });
            Archives.Write(older, entries.Select(e => (e.Name, e.Name == "model.weights.h5" ? moved : e.Bytes)));
            var loaded = Model.Load(older);
            var a = model.Optimizer!.KerasVariables;
            var b = loaded.Optimizer!.KerasVariables;
            for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].ToDoubleArray(), b[i].ToDoubleArray());
            model.TrainOnBatch(X, Y);
            loaded.TrainOnBatch(X, Y);
            Assert.Equal(AllWeights(model), AllWeights(loaded));
        }
        finally { File.Delete(path); File.Delete(older); }
    }
}

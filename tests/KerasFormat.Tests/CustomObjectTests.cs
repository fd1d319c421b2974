using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// User-defined <c>[KerasSerializable]</c> losses, metrics, optimizers, schedules, initializers and constraints
/// round-trip through GetConfig/FromConfig, their kind's registry and a .keras file, as custom layers do.
/// </summary>
public class CustomObjectTests
{
    private const string Package = "LayerGen.KerasFormat.Tests";
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));

    private static void AssertRoundTrips<T>(T original, Func<JsonObject, T> fromConfig, JsonObject serialized, string className, string expectedConfig)
        where T : class
    {
        Assert.Equal(Package, serialized["module"]!.GetValue<string>());
        Assert.Equal(className, serialized["class_name"]!.GetValue<string>());
        Assert.Equal(Package + ">" + className, serialized["registered_name"]!.GetValue<string>());
        Assert.Equal(expectedConfig, serialized["config"]!.ToJsonString());
        var copy = fromConfig(serialized["config"]!.AsObject());
        Assert.IsType(original.GetType(), copy);
        var fromRegistry = KerasRegistry<T>.Deserialize(JsonNode.Parse(serialized.ToJsonString())!);
        Assert.IsType(original.GetType(), fromRegistry);
    }

    [Fact]
    public void ALossRoundTrips()
    {
        var loss = new ScaledSquaredError(3.5, "sum", "custom");
        AssertRoundTrips<Loss>(loss, c => ScaledSquaredError.FromConfig(c), loss.Serialize(), "ScaledSquaredError",
            """{"name":"custom","reduction":"sum","scale":3.5}""");
        Assert.Equal(3.5, ((ScaledSquaredError)Loss.Deserialize(loss.Serialize())).Scale);
        Assert.Equal(2.0, Assert.IsType<ScaledSquaredError>(Loss.Get("scaled_squared_error")).Scale);
    }

    [Fact]
    public void AMetricRoundTrips()
    {
        var metric = new WithinTolerance(0.3, "close");
        AssertRoundTrips<Metric>(metric, c => WithinTolerance.FromConfig(c), metric.Serialize(), "WithinTolerance",
            """{"name":"close","dtype":"float32","tolerance":0.3}""");
        var read = Assert.IsType<WithinTolerance>(Metric.Deserialize(metric.Serialize()));
        Assert.Equal((0.3, "close"), (read.Tolerance, read.Name));
        Assert.Equal("within_tolerance", Metric.Get("within_tolerance").Name);
    }

    [Fact]
    public void AnOptimizerWithAScheduleRoundTrips()
    {
        var optimizer = new ScaledSGD(scale: 0.25, schedule: new HalvingSchedule(0.2, 4, "h"));
        var serialized = optimizer.Serialize();
        var config = serialized["config"]!.AsObject();
        Assert.Equal(0.25, config["scale"]!.GetValue<double>());
        Assert.Equal(Package + ">HalvingSchedule", config["learning_rate"]!["registered_name"]!.GetValue<string>());
        var copy = Assert.IsType<ScaledSGD>(Optimizer.Deserialize(JsonNode.Parse(serialized.ToJsonString())!));
        Assert.Equal(0.25, copy.Scale);
        var schedule = Assert.IsType<HalvingSchedule>(copy.Schedule);
        Assert.Equal((0.2, 4L, "h"), (schedule.InitialLearningRate, schedule.Every, schedule.Name));
        Assert.Equal(serialized.ToJsonString(), copy.Serialize().ToJsonString());
    }

    [Fact]
    public void AScheduleRoundTrips()
    {
        var schedule = new HalvingSchedule(0.5, 3);
        AssertRoundTrips<LearningRateSchedule>(schedule, c => HalvingSchedule.FromConfig(c), schedule.Serialize(), "HalvingSchedule",
            """{"initial_learning_rate":0.5,"every":3,"name":"halving"}""");
        Assert.Equal(0.125f, LearningRateSchedule.Deserialize(schedule.Serialize()).Call(6));
    }

    [Fact]
    public void AnInitializerAndAConstraintRoundTrip()
    {
        var initializer = new Filled(0.75);
        AssertRoundTrips<Initializer>(initializer, c => Filled.FromConfig(c), initializer.Serialize(), "Filled", """{"value":0.75}""");
        var constraint = new ClipTo(0.3);
        AssertRoundTrips<Constraint>(constraint, c => ClipTo.FromConfig(c), constraint.Serialize(), "ClipTo", """{"limit":0.3}""");
        Assert.Equal([0.75f, 0.75f], Initializer.Deserialize(initializer.Serialize()).Call([2]).ToArray<float>());
    }

    [Fact]
    public void AModelCompiledWithCustomObjectsRoundTripsThroughAKerasFile()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(2, kernelInitializer: new Filled(0.1), kernelConstraint: new ClipTo(0.5))]);
        model.Compile(new ScaledSGD(0.1, 0.5, new HalvingSchedule(0.1, 2)), new ScaledSquaredError(3), [new WithinTolerance(0.4)]);
        model.TrainOnBatch(X, Y);
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            var optimizer = Assert.IsType<ScaledSGD>(loaded.Optimizer);
            Assert.IsType<HalvingSchedule>(optimizer.Schedule);
            Assert.Equal(model.Optimizer!.Serialize().ToJsonString(), optimizer.Serialize().ToJsonString());
            Assert.Equal(model.Optimizer!.Iterations.ToScalar<long>(), optimizer.Iterations.ToScalar<long>());
            Assert.Equal(3, Assert.IsType<ScaledSquaredError>(loaded.Loss).Scale);
            Assert.Equal(0.4, Assert.IsType<WithinTolerance>(Assert.Single(loaded.CompiledMetrics)).Tolerance);
            var dense = LayerRegistry.Serialize(loaded.Layers[^1])["config"]!;
            Assert.Equal(Package + ">Filled", dense["kernel_initializer"]!["registered_name"]!.GetValue<string>());
            Assert.Equal(Package + ">ClipTo", dense["kernel_constraint"]!["registered_name"]!.GetValue<string>());
            Assert.Equal(LayerRegistry.Serialize(model.Layers[^1]).ToJsonString(), LayerRegistry.Serialize(loaded.Layers[^1]).ToJsonString());
            Assert.Equal(model.Predict(X, verbose: 0).ToArray<float>(), loaded.Predict(X, verbose: 0).ToArray<float>());
        }
        finally { File.Delete(path); }
    }
}

using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Loads the .keras files written by real Keras and checks predictions and optimizer state.</summary>
public class FixtureTests
{
    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void PlainModelPredictsLikeKeras(string version)
    {
        var r = Fixture.Reference(version);
        var model = Model.Load(Fixture.PathOf(version, "seq_plain.keras"));
        Assert.IsType<Sequential>(model);
        Assert.False(model.IsCompiled);
        var y = model.Predict(Fixture.Matrix(r, "x"), verbose: 0);
        Fixture.Close(Fixture.Flat(r["plain_predict"]), y.ToFloatArray());
        Fixture.Close(Fixture.Flat(r["plain_weights"]), model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
    }

    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void FittedModelPredictsLikeKerasAndHasItsOptimizerState(string version)
    {
        var r = Fixture.Reference(version);
        var model = Model.Load(Fixture.PathOf(version, "seq_adam_fit1.keras"));
        Assert.True(model.IsCompiled);
        Assert.Equal("Adam", model.Optimizer!.ClassName);
        var y = model.Predict(Fixture.Matrix(r, "x"), verbose: 0);
        Fixture.Close(Fixture.Flat(r["fit1_predict"]), y.ToFloatArray());
        Fixture.Close(Fixture.Flat(r["fit1_weights"]), model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
        var expected = (JsonObject)r["fit1_optimizer_variables"]!;
        var actual = model.Optimizer!.Variables;
        Assert.Equal(expected.Count, actual.Count);
        int i = 0;
        foreach (var (_, value) in expected)
            Fixture.Close(Fixture.Flat(value), actual[i++].ToFloatArray());
    }

    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void CompiledModelTakesTheSameAdamStepAsKeras(string version)
    {
        var r = Fixture.Reference(version);
        var model = Model.Load(Fixture.PathOf(version, "seq_adam_compiled.keras"));
        Assert.True(model.IsCompiled);
        Fixture.Close(Fixture.Flat(r["plain_weights"]), model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray());
        var loss = model.TrainOnBatch(Fixture.Matrix(r, "x"), Fixture.Matrix(r, "y"))["loss"];
        Assert.Equal(r["loss_before"]!.GetValue<double>(), loss, 4);
        Fixture.Close(Fixture.Flat(r["fit1_weights"]), model.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray(), 1e-4f);
        Assert.Equal(1L, model.Optimizer!.Iterations.ToScalar<long>());
    }

    [Theory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void TrainingContinuesFromTheSavedOptimizerState(string version)
    {
        var r = Fixture.Reference(version);
        var x = Fixture.Matrix(r, "x");
        var y = Fixture.Matrix(r, "y");
        var fromCompiled = Model.Load(Fixture.PathOf(version, "seq_adam_compiled.keras"));
        fromCompiled.TrainOnBatch(x, y);
        fromCompiled.TrainOnBatch(x, y);
        var fromFit1 = Model.Load(Fixture.PathOf(version, "seq_adam_fit1.keras"));
        fromFit1.TrainOnBatch(x, y);
        Assert.Equal(2L, fromFit1.Optimizer!.Iterations.ToScalar<long>());
        Fixture.Close(fromCompiled.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray(),
            fromFit1.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray(), 1e-4f);
    }
}

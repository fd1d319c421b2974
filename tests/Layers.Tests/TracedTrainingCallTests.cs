using LayerGen.Optimizers;
using LayerGen.Tests.Layers;

namespace LayerGen.Layers.Tests;

/// <summary>
/// Layer calls with <c>training: true</c> traced into graphs and plans behave as eager calls: dropout and noise layers
/// draw fresh values per run (the eager sequence, bit for bit, from the same seed), BatchNormalization updates its
/// moving statistics on every run, and losses added in <c>Call</c> (AddLoss, activity and weight regularizers) are
/// graph tensors the traced loss adds.
/// </summary>
public class TracedTrainingCallTests
{
    private static Tensor X(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new RandomGenerator(seed));

    public static TheoryData<string> RandomLayers() => ["Dropout", "DropoutNoiseShape", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout"];

    private static Tensor Call(Layer layer, Tensor x, bool training) => layer.Invoke(new CallArguments([x], training: training))[0];

    private static (Layer Layer, int[] Shape) Make(string name) => name switch
    {
        "Dropout" => (new Dropout(0.3, seed: 4), [6, 7]),
        "DropoutNoiseShape" => (new Dropout(0.5, noiseShape: [0, 1], seed: 4), [6, 7]),
        "SpatialDropout1D" => (new SpatialDropout1D(0.4, seed: 5), [2, 3, 4]),
        "SpatialDropout2D" => (new SpatialDropout2D(0.4, seed: 5), [2, 3, 3, 4]),
        "SpatialDropout3D" => (new SpatialDropout3D(0.4, seed: 5), [2, 2, 2, 2, 3]),
        "GaussianNoise" => (new GaussianNoise(0.5, seed: 6), [6, 7]),
        "GaussianDropout" => (new GaussianDropout(0.3, seed: 7), [6, 7]),
        "AlphaDropout" => (new AlphaDropout(0.3, seed: 8), [6, 7]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(RandomLayers))]
    public void PlannedTrainingCallsDrawFreshValuesEqualToTheEagerSequence(string name)
    {
        var (eagerLayer, shape) = Make(name);
        var (plannedLayer, _) = Make(name);
        var spec = new TensorSpec(new Shape(shape), DType.Float32);
        var traced = TensorFunction.Trace(x => Call(plannedLayer, x, true));
        var plan = traced.Plan(spec);
        var x = X(1, shape);
        byte[]? previous = null;
        for (int run = 0; run < 3; run++)
        {
            var eager = Call(eagerLayer, x, true);
            var planned = plan.Run(x);
            Assert.True(eager.AsBytes().SequenceEqual(planned.AsBytes()), $"{name} run {run}: planned {planned} differs from eager {eager}");
            Assert.False(planned.AsBytes().SequenceEqual(x.AsBytes()), $"{name} run {run}: no noise applied");
            if (previous is not null) Assert.False(previous.SequenceEqual(planned.AsBytes()), $"{name} run {run}: the same values as the run before");
            previous = planned.AsBytes().ToArray();
        }
        // Inference traces hold no random op (and export to ONNX).
        var inference = Graph.Trace(p => [Call(plannedLayer, p[0], false)], [spec]);
        Assert.DoesNotContain(inference.OpNodes, n => n.Op is RandomOp);
    }

    [Fact]
    public void UnknownBatchDimensionsTraceOnceAndDrawPerRun()
    {
        var layer = new Dropout(0.5, seed: 3);
        var f = TensorFunction.Trace(x => layer.Invoke(x, training: true), inputSignature: [new TensorSpec(new Shape(-1, 8), DType.Float32)]);
        var a = f.Invoke(Tensor.Ones([3, 8])).ToArray<float>();
        var b = f.Invoke(Tensor.Ones([5, 8])).ToArray<float>();
        Assert.Single(f.ConcreteFunctions);
        Assert.Equal(24, a.Length);
        Assert.Equal(40, b.Length);
        Assert.All(a.Concat(b), v => Assert.True(v == 0f || v == 2f, $"{v}"));
        Assert.Contains(0f, b);
        Assert.Contains(2f, b);
    }

    [Fact]
    public void RecurrentDropoutMasksArePlannedRandomOpsToo()
    {
        static LSTM Make() => new(4, kernelInitializer: Initializers.GlorotUniform(1), recurrentInitializer: Initializers.Orthogonal(seed: 2),
            dropout: 0.3, recurrentDropout: 0.4, seed: 5, returnSequences: true);
        var eager = Make();
        var planned = Make();
        var x = X(1, 2, 5, 3);
        var plan = TensorFunction.Trace(t => planned.Invoke(t, training: true)[0]).Plan(x.Spec);
        Assert.Contains(plan.Graph.OpNodes, n => n.Op is RandomUniformOp);
        byte[]? previous = null;
        for (int run = 0; run < 3; run++)
        {
            var e = eager.Invoke(x, training: true)[0];
            var p = plan.Run(x);
            Assert.True(e.AsBytes().SequenceEqual(p.AsBytes()), $"run {run}: planned differs from eager");
            if (previous is not null) Assert.False(previous.SequenceEqual(p.AsBytes()), $"run {run}: the same values as the run before");
            previous = p.AsBytes().ToArray();
        }
    }

    private static BatchNormalization Bn() => new(momentum: 0.9);

    [Fact]
    public void ATracedBatchNormalizationUpdatesItsMovingStatisticsOnEveryPlannedRun()
    {
        var eager = Bn();
        var planned = Bn();
        var spec = new TensorSpec(new Shape(8, 3), DType.Float32);
        eager.Invoke(X(0, 8, 3), training: false); // builds
        planned.Invoke(X(0, 8, 3), training: false);
        var plan = TensorFunction.Trace(x => planned.Invoke(x, training: true)).Plan(spec);
        for (int step = 0; step < 5; step++)
        {
            var x = X(10 + step, 8, 3) * 2f + 1f;
            var e = eager.Invoke(x, training: true);
            var p = plan.Run(x);
            Assert.True(e.AsBytes().SequenceEqual(p.AsBytes()), $"step {step}: outputs differ");
        }
        for (int i = 0; i < eager.Variables.Count; i++)
            Assert.True(eager.Variables[i].AsBytes().SequenceEqual(planned.Variables[i].AsBytes()), $"{eager.Variables[i].Name}: {eager.Variables[i]} vs {planned.Variables[i]}");
        var movingMean = planned.Variables.Single(v => v.Name == "moving_mean").ToArray<float>();
        Assert.All(movingMean, m => Assert.InRange(m, 0.2f, 0.8f)); // 1 - 0.9^5 of the way to the mean 1
    }

    [Fact]
    public void WiringAFunctionalModelUpdatesNothing()
    {
        var bn = Bn();
        var input = Keras.Input([3]);
        var output = bn.Invoke(input, training: true);
        Assert.True(output.IsSymbolic);
        Assert.All(bn.Variables.Single(v => v.Name == "moving_mean").ToArray<float>(), m => Assert.Equal(0f, m));
        Assert.All(bn.Variables.Single(v => v.Name == "moving_variance").ToArray<float>(), m => Assert.Equal(1f, m));
        Assert.Empty(bn.Losses);
    }

    private static Sequential LossyModel(int seed, bool build = true)
    {
        var model = new Sequential([
            new Dense(4, kernelInitializer: Initializers.GlorotUniform(seed), activityRegularizer: Regularizers.L2(0.1)),
            new LossyLayer(0.5),
            new Dropout(0.25, seed: 9),
            new BatchNormalization(),
            new Dense(2, kernelInitializer: Initializers.GlorotUniform(seed + 1), kernelRegularizer: Regularizers.L1(0.01)),
        ]);
        if (build) model.Invoke(Tensor.Zeros([6, 3]), training: false);
        return model;
    }

    /// <summary>The traced function: forward, sum of outputs plus every loss added in Call, and its gradients.</summary>
    private static Tensor[] LossAndGradients(Sequential model, Tensor x)
    {
        using var tape = new GradientTape();
        var y = model.Invoke(x, training: true);
        var loss = Ops.Sum(Ops.Square(y));
        var losses = model.Losses;
        foreach (var l in losses) loss = loss + l;
        var grads = tape.Gradient(loss, model.TrainableVariables);
        return [loss, Tensor.Scalar((float)losses.Count), .. grads.Select(g => g!)];
    }

    [Fact]
    public void LossesAddedInCallAreGraphTensorsOfTheTracedCall()
    {
        var eagerModel = LossyModel(1);
        var plannedModel = LossyModel(1);
        var x = X(2, 6, 3);
        var traced = TensorFunction.Trace(t => LossAndGradients(plannedModel, t[0]), 1);
        var graph = traced.GetConcreteFunction(x.Spec).Graph;
        // Activity regularizer, AddLoss, the L2 penalty of LossyLayer's k and the L1 penalty of the last kernel.
        var eager = LossAndGradients(eagerModel, x);
        Assert.Equal(4f, eager[1].ToScalar<float>());
        var planned = ExecutionPlan.Create(graph, x.Spec).RunAll(x);
        for (int i = 0; i < eager.Length; i++)
            Assert.True(eager[i].AsBytes().SequenceEqual(planned[i].AsBytes()), $"output {i}: planned {planned[i]} vs eager {eager[i]}");
        // The losses depend on the input: a constant captured at trace time would not.
        var x2 = X(3, 6, 3);
        Assert.True(LossAndGradients(eagerModel, x2)[0].AsBytes().SequenceEqual(traced.CallAll(x2)[0].AsBytes()));
    }

    [Fact]
    public void APlannedTrainingLoopWithDropoutAndBatchNormalizationGivesTheEagerWeights()
    {
        var eagerModel = LossyModel(5);
        var plannedModel = LossyModel(5, build: false); // built by the trace
        var eagerOptimizer = new Adam(learningRate: 0.01);
        var plannedOptimizer = new Adam(learningRate: 0.01);
        var spec = new TensorSpec(new Shape(6, 3), DType.Float32);
        var plan = TensorFunction.Trace(t => LossAndGradients(plannedModel, t[0]), 1).Plan(spec);
        for (int step = 0; step < 4; step++)
        {
            var x = X(20 + step, 6, 3);
            var e = LossAndGradients(eagerModel, x);
            eagerOptimizer.Apply(e[2..], eagerModel.TrainableVariables);
            var p = plan.RunAll(x);
            Assert.True(e[0].AsBytes().SequenceEqual(p[0].AsBytes()), $"step {step}: loss {p[0]} vs {e[0]}");
            plannedOptimizer.Apply([.. p.Skip(2)], plannedModel.TrainableVariables);
        }
        for (int i = 0; i < eagerModel.Variables.Count; i++)
            Assert.True(eagerModel.Variables[i].AsBytes().SequenceEqual(plannedModel.Variables[i].AsBytes()), eagerModel.Variables[i].Name);
    }
}

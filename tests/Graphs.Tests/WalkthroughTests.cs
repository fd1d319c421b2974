namespace LayerGen.Graphs.Tests;

/// <summary>The guide's steps 5 and 6, as the walkthrough writes them.</summary>
public class WalkthroughTests
{
    private static readonly Tensor X13 = Tensor.From(new[,] { { 2f, 2f, 2f } });
    private static readonly Tensor X123 = Tensor.From(new[,,] { { { 2f, 2f, 2f }, { 2f, 2f, 2f } } });

    private static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.ToArray<float>(), actual.ToArray<float>());
    }

    [Fact]
    public void Step5_EachNewSignatureTracesANewGraph()
    {
        RandomGenerator.SetGlobalSeed(5);
        var myModel = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(myModel.Call);

        var y1 = call.Invoke(X13);                    // traces (1, 3)
        Assert.Equal(1, call.TraceCount);
        var y2 = call.Invoke(X123);                   // traces (1, 2, 3)
        Assert.Equal(2, call.TraceCount);
        call.Invoke(Tensor.From(new[,] { { 1f, 2f, 3f } }));   // same signature: no new trace
        Assert.Equal(2, call.TraceCount);

        AssertSame(myModel.Call(X13), y1);
        AssertSame(myModel.Call(X123), y2);
        Assert.Equal(new Shape(1, 2), y1.Shape);
        Assert.Equal(new Shape(1, 2, 2), y2.Shape);

        var concrete = call.ConcreteFunctions;
        Assert.Equal(2, concrete.Count);
        Assert.Equal([new TensorSpec(new Shape(1, 3), DType.Float32)], concrete[0].InputSignature);
        Assert.Equal([new TensorSpec(new Shape(1, 2, 3), DType.Float32)], concrete[1].InputSignature);
        // The graph: MatMul, Add, Relu twice, the four variables captured by reference.
        var g = concrete[0].Graph;
        Assert.Equal(["MatMul", "Add", "Relu", "MatMul", "Add", "Relu"], g.OpNodes.Select(n => n.Op!.Name));
        Assert.Equal(4, g.CapturedVariables.Count);
        Assert.All(g.CapturedVariables, v => Assert.Contains(myModel.Variables, m => ReferenceEquals(m, v)));
    }

    [Fact]
    public void Step5_VariablesAreCapturedByReference()
    {
        var m = new SimpleModule();
        var call = TensorFunction.Trace(m.Call);
        Assert.Equal(30f, call.Invoke(Tensor.Scalar(5f)).ToScalar<float>());
        m.AVariable.Assign(Tensor.Scalar(1f));
        Assert.Equal(10f, call.Invoke(Tensor.Scalar(5f)).ToScalar<float>());
        Assert.Equal(1, call.TraceCount);
    }

    [Fact]
    public void Step5_AnInputSignatureWithAnUnknownBatchTracesOnce()
    {
        var myModel = new SequentialModule();
        var call = TensorFunction.Trace(myModel.Call, inputSignature: [new TensorSpec(new Shape(-1, 3), DType.Float32)]);
        AssertSame(myModel.Call(X13), call.Invoke(X13));
        var x43 = Tensor.RandomNormal([4, 3]);
        AssertSame(myModel.Call(x43), call.Invoke(x43));
        Assert.Equal(1, call.TraceCount);
        Assert.Throws<ArgumentException>(() => call.Invoke(X123));
    }

    [Fact]
    public void Step6_SaveLoadWithoutTheClass()
    {
        RandomGenerator.SetGlobalSeed(6);
        using var dir = new TempDir();
        var myModel = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(myModel.Call);
        call.Invoke(X13);
        call.Invoke(X123);

        string path = dir["the_saved_model"];
        SavedModel.Save(myModel, path, call);
        Assert.True(File.Exists(Path.Combine(path, "saved_model.json")));
        Assert.True(File.Exists(Path.Combine(path, "functions", "call_0.json")));
        Assert.True(File.Exists(Path.Combine(path, "functions", "call_1.json")));
        Assert.True(File.Exists(Path.Combine(path, "variables", "variables.index")));

        var loaded = SavedModel.Load(path);
        Assert.IsNotType<SequentialModule>(loaded, exactMatch: false);
        Assert.Equal("the_model", loaded.Name);
        Assert.Equal("SequentialModule", loaded.SavedClassName);
        Assert.Equal(["dense1", "dense2"], loaded.SavedSubmodules.Select(s => s.Path));
        Assert.All(loaded.SavedSubmodules, s => Assert.Equal("Dense", s.ClassName));
        Assert.Equal(myModel.NamedVariables.Select(kv => kv.Key), loaded.NamedVariables.Select(kv => kv.Key));
        Assert.Equal(4, loaded.TrainableVariables.Count);
        foreach (var ((_, a), (_, b)) in myModel.NamedVariables.Zip(loaded.NamedVariables))
            Assert.Equal(a.ToArray<float>(), b.ToArray<float>());

        AssertSame(myModel.Call(X13), loaded.Call(X13));
        AssertSame(myModel.Call(X123), loaded.Call(X123));

        var e = Assert.Throws<SignatureNotFoundException>(() => loaded.Call(Tensor.From(new[,] { { 2f, 2f, 2f, 2f } })));
        Assert.Contains("(1, 4) float32", e.Message);
        Assert.Contains("call(x: (1, 3) float32)", e.Message);
        Assert.Contains("call(x: (1, 2, 3) float32)", e.Message);
        Assert.Equal(2, e.SavedSignatures.Count);
    }

    [Fact]
    public void Step6_TrainableFlagsAndCheckpointRoundTrip()
    {
        using var dir = new TempDir();
        var m = new SimpleModule { Name = "simple" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.Scalar(5f));
        SavedModel.Save(m, dir.Path, call);
        var loaded = SavedModel.Load(dir.Path);
        Assert.Equal(["train_me"], loaded.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["do_not_train_me"], loaded.NonTrainableVariables.Select(v => v.Name));
        Assert.Equal(30f, loaded.Call(Tensor.Scalar(5f)).ToScalar<float>());
        // The loaded variables are live: assigning one changes what the graph computes.
        loaded.TrainableVariables[0].Assign(Tensor.Scalar(2f));
        Assert.Equal(15f, loaded.Call(Tensor.Scalar(5f)).ToScalar<float>());
    }

    [Fact]
    public void SavingAnUntracedFunctionOrAnUntrackedVariableFails()
    {
        using var dir = new TempDir();
        var m = new SimpleModule();
        Assert.Throws<ArgumentException>(() => SavedModel.Save(m, dir.Path, TensorFunction.Trace(m.Call)));
        var stray = new Variable(3f, name: "stray");
        var f = TensorFunction.Trace(x => m.Call(x) * stray);
        f.Invoke(Tensor.Scalar(1f));
        var e = Assert.Throws<InvalidOperationException>(() => SavedModel.Save(m, dir.Path, f));
        Assert.Contains("stray", e.Message);
    }

    [Fact]
    public void ConstantsAreSavedByValue()
    {
        using var dir = new TempDir();
        var m = new SimpleModule();
        var k = Tensor.From(new[] { 1f, 2f, 3f });
        var f = TensorFunction.Trace(x => m.Call(x) * k + Tensor.Scalar(1f));
        var expected = f.Invoke(Tensor.From(new[] { 1f, 1f, 1f }));
        SavedModel.Save(m, dir.Path, f);
        var loaded = SavedModel.Load(dir.Path);
        AssertSame(expected, loaded.Call(Tensor.From(new[] { 1f, 1f, 1f })));
    }
}

namespace LayerGen.Checkpoints.Tests;

public class CheckpointTests
{
    private static readonly Tensor X = Tensor.From(new[,] { { 2f, 2f, 2f } });

    [Fact]
    public void WalkthroughStep4()
    {
        using var dir = new TempDir();
        var myModel = new SequentialModule(new RandomGenerator(1));
        var checkpoint = new Checkpoint { ["model"] = myModel };
        string prefix = dir["my_checkpoint"];
        Assert.Equal(prefix, checkpoint.Write(prefix));
        Assert.True(File.Exists(prefix + ".index"));
        Assert.True(File.Exists(prefix + ".data-00000-of-00001"));

        var listed = Checkpoint.ListVariables(prefix);
        Assert.Equal(
            [
                "model/dense1/b/.ATTRIBUTES/VARIABLE_VALUE [3] float32",
                "model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE [3, 3] float32",
                "model/dense2/b/.ATTRIBUTES/VARIABLE_VALUE [2] float32",
                "model/dense2/w/.ATTRIBUTES/VARIABLE_VALUE [3, 2] float32",
                "save_counter/.ATTRIBUTES/VARIABLE_VALUE [] int64",
            ],
            listed.Select(v => v.ToString()));

        var newModel = new SequentialModule(new RandomGenerator(2));
        Assert.NotEqual(myModel.Call(X).ToArray<float>(), newModel.Call(X).ToArray<float>());
        var status = new Checkpoint { ["model"] = newModel }.Restore(prefix);
        status.AssertConsumed();
        Assert.Empty(status.MissingFromFile);
        Assert.Empty(status.UnusedInFile);
        Assert.Equal(myModel.Call(X).ToArray<float>(), newModel.Call(X).ToArray<float>());

        var w = Checkpoint.LoadVariable(prefix, "model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE");
        Assert.Equal(myModel.Dense1.W.ToArray<float>(), w.ToArray<float>());
        Assert.Throws<KeyNotFoundException>(() => Checkpoint.LoadVariable(prefix, "model/nope"));
    }

    [Fact]
    public void RestoreOverwritesInPlace()
    {
        using var dir = new TempDir();
        var model = new SequentialModule(new RandomGenerator(1));
        new Checkpoint { ["model"] = model }.Write(dir["c"]);
        var other = new SequentialModule(new RandomGenerator(2));
        var wBefore = other.Dense1.W;
        new Checkpoint { ["model"] = other }.Restore(dir["c"] + ".index").AssertConsumed();
        Assert.Same(wBefore, other.Dense1.W);
        Assert.Equal(model.Dense1.W.ToArray<float>(), other.Dense1.W.ToArray<float>());
    }

    [Fact]
    public void EveryDTypeRoundTrips()
    {
        using var dir = new TempDir();
        var m = new AllDTypes();
        var expected = m.Variables.Select(v => v.AsBytes().ToArray()).ToList();
        var ckpt = new Checkpoint { ["m"] = m };
        ckpt.Write(dir["d"]);
        m.Zero();
        ckpt.Restore(dir["d"]).AssertConsumed();
        Assert.Equal(expected, m.Variables.Select(v => v.AsBytes().ToArray()).ToList());
        foreach (var info in Checkpoint.ListVariables(dir["d"]))
        {
            var t = Checkpoint.LoadVariable(dir["d"], info.Key);
            Assert.Equal(info.Shape, t.Shape);
            Assert.Equal(info.DType, t.DType);
        }
        Assert.Equal(DType.Bool, Checkpoint.LoadVariable(dir["d"], "m/bool/.ATTRIBUTES/VARIABLE_VALUE").DType);
    }

    [Fact]
    public void ShardsPastMaxShardBytes()
    {
        using var dir = new TempDir();
        var vars = Enumerable.Range(0, 5).Select(i => new Variable(Tensor.Full([100], i))).ToArray(); // 400 bytes each
        var ckpt = new Checkpoint { MaxShardBytes = 1000 };
        for (int i = 0; i < vars.Length; i++) ckpt[$"v{i}"] = vars[i];
        ckpt.Write(dir["s"]);
        // save_counter (8) + v0 + v1 = 808; then v2 + v3 = 800; then v4
        Assert.Equal(3, Directory.GetFiles(dir.Path, "s.data-*-of-00003").Length);
        foreach (var v in vars) v.Assign(Tensor.Zeros([100]));
        ckpt.Restore(dir["s"]).AssertConsumed();
        for (int i = 0; i < vars.Length; i++) Assert.All(vars[i].ToArray<float>(), x => Assert.Equal(i, x));

        // rewriting the same prefix with one shard removes the old shards
        ckpt.MaxShardBytes = 1 << 20;
        ckpt.Write(dir["s"]);
        Assert.Equal(["s.data-00000-of-00001", "s.index"], Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
        ckpt.Restore(dir["s"]).AssertConsumed();
    }

    [Fact]
    public void SaveNumbersPrefixesAndRestoresTheCounter()
    {
        using var dir = new TempDir();
        var v = new Variable(1f);
        var ckpt = new Checkpoint { ["v"] = v };
        Assert.Equal(dir["p"] + "-1", ckpt.Save(dir["p"]));
        v.Assign(Tensor.Scalar(2f));
        Assert.Equal(dir["p"] + "-2", ckpt.Save(dir["p"]));
        Assert.Equal(2, ckpt.SaveCounter);

        var v2 = new Variable(0f);
        var other = new Checkpoint { ["v"] = v2 };
        other.Restore(dir["p"] + "-1").AssertConsumed();
        Assert.Equal(1f, v2.ToScalar<float>());
        Assert.Equal(1, other.SaveCounter);
        Assert.Equal(dir["p"] + "-2", other.Save(dir["p"]));
    }

    [Fact]
    public void PartialRestoreReportsMissingAndUnused()
    {
        using var dir = new TempDir();
        var model = new SequentialModule(new RandomGenerator(1));
        var extra = new Variable(3f);
        new Checkpoint { ["model"] = model, ["extra"] = extra }.Write(dir["a"]);

        var dense = new Dense(3, 3);
        var step = new Variable(0L);
        var status = new Checkpoint { ["model"] = new TwoSlots(dense), ["step"] = step }.Restore(dir["a"]);
        Assert.Equal(["step/.ATTRIBUTES/VARIABLE_VALUE"], status.MissingFromFile);
        Assert.Equal(
            ["model/dense2/w/.ATTRIBUTES/VARIABLE_VALUE", "model/dense2/b/.ATTRIBUTES/VARIABLE_VALUE", "extra/.ATTRIBUTES/VARIABLE_VALUE"],
            status.UnusedInFile);
        Assert.Equal(model.Dense1.W.ToArray<float>(), dense.W.ToArray<float>());

        var e1 = Assert.Throws<CheckpointMismatchException>(() => status.AssertExistingObjectsMatched());
        Assert.Contains("step/.ATTRIBUTES/VARIABLE_VALUE", e1.Message);
        var e2 = Assert.Throws<CheckpointMismatchException>(() => status.AssertConsumed());
        Assert.Equal(["step/.ATTRIBUTES/VARIABLE_VALUE"], e2.Paths);
        Assert.True(status.ExpectPartial().IsPartialExpected);

        // only unused values: existing objects matched, not consumed
        var s2 = new Checkpoint { ["model"] = new TwoSlots(new Dense(3, 3)) }.Restore(dir["a"]);
        s2.AssertExistingObjectsMatched();
        var e3 = Assert.Throws<CheckpointMismatchException>(() => s2.AssertConsumed());
        Assert.Contains("extra/.ATTRIBUTES/VARIABLE_VALUE", e3.Paths);
    }

    private sealed class TwoSlots(Dense dense1) : Module
    {
        protected internal override void VisitMembers(IModuleVisitor visitor) => visitor.Module("dense1", dense1);
    }

    [Fact]
    public void ShapeOrDTypeMismatchNamesThePathAndAssignsNothing()
    {
        using var dir = new TempDir();
        var a = new Variable(Tensor.Full([2], 1));
        var b = new Variable(Tensor.Full([3], 1));
        var c = new Variable(Tensor.Full([2], 1));
        new Checkpoint { ["a"] = a, ["b"] = b, ["c"] = c }.Write(dir["m"]);

        var a2 = new Variable(Tensor.Full([2], 9));
        var b2 = new Variable(Tensor.Full([4], 9)); // wrong shape
        var c2 = new Variable(Tensor.Full([2], 9, DType.Float64)); // wrong dtype
        var ex = Assert.Throws<CheckpointMismatchException>(() => new Checkpoint { ["a"] = a2, ["b"] = b2, ["c"] = c2 }.Restore(dir["m"]));
        Assert.Equal(["b/.ATTRIBUTES/VARIABLE_VALUE", "c/.ATTRIBUTES/VARIABLE_VALUE"], ex.Paths);
        Assert.Contains("[3]", ex.Message);
        Assert.Contains("float64", ex.Message);
        Assert.All(a2.ToArray<float>(), x => Assert.Equal(9f, x)); // a matched but was not assigned
    }

    [Fact]
    public void DeferredRestoreAppliesWhenVariablesAreCreated()
    {
        using var dir = new TempDir();
        var built = new FlexibleDense(2);
        built.Call(Tensor.Ones([1, 3]));
        new Checkpoint { ["layer"] = built }.Write(dir["f"]);

        // The module creates its variables on first call: they take their restored values before the first op
        // reads them (issue 21: no explicit ApplyPending, no first call with random weights).
        var fresh = new FlexibleDense(2);
        var ckpt = new Checkpoint { ["layer"] = fresh };
        var status = ckpt.Restore(dir["f"]);
        Assert.Equal(["layer/w/.ATTRIBUTES/VARIABLE_VALUE", "layer/b/.ATTRIBUTES/VARIABLE_VALUE"], status.UnusedInFile);
        Assert.True(DeferredRestores.HasPending(fresh));
        Assert.Equal(built.Call(Tensor.Ones([1, 3])).ToArray<float>(), fresh.Call(Tensor.Ones([1, 3])).ToArray<float>());
        Assert.False(DeferredRestores.HasPending(fresh));
        Assert.Equal(0, DeferredRestores.Apply(fresh));
        Assert.Equal(built.W!.ToArray<float>(), fresh.W!.ToArray<float>());
        status.AssertConsumed();

        // Through the layer hook: a variable being created starts with its restored value.
        var fresh2 = new FlexibleDense(2);
        var status2 = new Checkpoint { ["layer"] = fresh2 }.Restore(dir["f"]);
        Assert.Throws<CheckpointMismatchException>(() => DeferredRestores.TryTakePending(fresh2, "w", [4, 2], DType.Float32, out _));
        Assert.True(DeferredRestores.TryTakePending(fresh2, "w", [3, 2], DType.Float32, out var value));
        Assert.Equal(built.W.ToArray<float>(), value.ToArray<float>());
        Assert.False(DeferredRestores.TryTakePending(fresh2, "w", [3, 2], DType.Float32, out _)); // taken once
        Assert.Equal(["layer/b/.ATTRIBUTES/VARIABLE_VALUE"], status2.UnusedInFile);
        Assert.True(status2.TryTakePending("layer/b/.ATTRIBUTES/VARIABLE_VALUE", out var bv));
        Assert.Equal([2], bv.Shape.ToArray());
        status2.AssertConsumed();

        // ApplyPending re-walks the checkpoint's objects (here the first call has applied everything already).
        var fresh3 = new FlexibleDense(2);
        var status3 = new Checkpoint { ["layer"] = fresh3 }.Restore(dir["f"]);
        Assert.Equal(0, status3.ApplyPending());
        fresh3.Call(Tensor.Ones([1, 3]));
        Assert.Equal(0, status3.ApplyPending());
        Assert.Equal(built.W.ToArray<float>(), fresh3.W!.ToArray<float>());
        status3.AssertConsumed();
    }

    [Fact]
    public void DeferredRestoreOfAVariableOfTheWrongShapeFailsTheFirstCall()
    {
        using var dir = new TempDir();
        var built = new FlexibleDense(2);
        built.Call(Tensor.Ones([1, 3]));
        new Checkpoint { ["layer"] = built }.Write(dir["f"]);

        var fresh = new FlexibleDense(2);
        new Checkpoint { ["layer"] = fresh }.Restore(dir["f"]);
        var ex = Assert.Throws<CheckpointMismatchException>(() => fresh.Call(Tensor.Ones([1, 4])));   // w is [4, 2], the file's [3, 2]
        Assert.Contains("layer/w/.ATTRIBUTES/VARIABLE_VALUE", ex.Paths);
    }

    [Fact]
    public void DeferredRestoreReachesNestedModulesCreatedOneAfterAnother()
    {
        using var dir = new TempDir();
        var built = new TwoFlexible();
        var x = Tensor.From(new[,] { { 0.5f, -1f, 2f } });
        var expected = built.Call(x).ToArray<float>();
        new Checkpoint { ["model"] = built }.Write(dir["f"]);

        var fresh = new TwoFlexible();
        var status = new Checkpoint { ["model"] = fresh }.Restore(dir["f"]);
        Assert.Equal(expected, fresh.Call(x).ToArray<float>());
        status.AssertConsumed();
    }

    [Fact]
    public void ObjectGraphIsRecorded()
    {
        using var dir = new TempDir();
        new Checkpoint { ["model"] = new SequentialModule(), ["nested"] = new Checkpoint { ["v"] = new Variable(1f) } }.Write(dir["g"]);
        var objects = Checkpoint.ListObjects(dir["g"]);
        Assert.Contains(new CheckpointObject("", "checkpoint", "Checkpoint"), objects);
        Assert.Contains(new CheckpointObject("model", "module", "SequentialModule"), objects);
        Assert.Contains(new CheckpointObject("model/dense1", "module", "Dense"), objects);
        Assert.Contains(new CheckpointObject("model/dense1/w", "variable", null, "model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE"), objects);
        Assert.Contains(new CheckpointObject("nested", "checkpoint", "Checkpoint"), objects);
        Assert.Contains(Checkpoint.ListVariables(dir["g"]), v => v.Key == "nested/v/.ATTRIBUTES/VARIABLE_VALUE");
    }

    private sealed class FakeOptimizer : ICheckpointable
    {
        public Variable Iterations { get; } = new(Tensor.Scalar(0L), trainable: false);
        public Variable M { get; } = new(Tensor.Zeros([3]), trainable: false);
        public IEnumerable<KeyValuePair<string, Variable>> GetCheckpointVariables() => [new("iter", Iterations), new("m/dense1/w", M)];
    }

    [Fact]
    public void CheckpointableObjectsJoin()
    {
        using var dir = new TempDir();
        var opt = new FakeOptimizer();
        opt.Iterations.Assign(Tensor.Scalar(17L));
        new Checkpoint { ["optimizer"] = opt }.Write(dir["o"]);
        var opt2 = new FakeOptimizer();
        new Checkpoint { ["optimizer"] = opt2 }.Restore(dir["o"]).AssertConsumed();
        Assert.Equal(17L, opt2.Iterations.ToScalar<long>());
        Assert.Contains(Checkpoint.ListVariables(dir["o"]), v => v.Key == "optimizer/m/dense1/w/.ATTRIBUTES/VARIABLE_VALUE");
    }

    [Fact]
    public void ChildrenAreChecked()
    {
        var ckpt = new Checkpoint();
        Assert.Throws<ArgumentException>(() => ckpt["x"] = "not checkpointable");
        Assert.Throws<ArgumentException>(() => ckpt["save_counter"] = new Variable(1f));
        Assert.Throws<ArgumentException>(() => ckpt[""] = new Variable(1f));
        var v = new Variable(1f);
        ckpt.Add("v", v);
        Assert.Same(v, ckpt["v"]);
        Assert.Throws<KeyNotFoundException>(() => ckpt["w"]);
        Assert.Equal(["v"], ckpt.Names);
    }

    [Fact]
    public void FaultBeforeIndexRenameLeavesPreviousCheckpointLoadable()
    {
        using var dir = new TempDir();
        var v = new Variable(Tensor.Full([1000], 1));
        var ckpt = new Checkpoint { ["v"] = v };
        ckpt.Write(dir["x"]);
        foreach (var stage in new[] { "shards-written", "index-written" })
        {
            v.Assign(Tensor.Full([1000], 2));
            ckpt.WriteStageHook = s => { if (s == stage) throw new IOException("simulated crash at " + s); };
            Assert.Throws<IOException>(() => ckpt.Write(dir["y"]));
            Assert.False(File.Exists(dir["y"] + ".index"));
            // no temporary files are left behind when the writer could clean up
            Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.Contains(".tmp-", StringComparison.Ordinal));
        }
        ckpt.WriteStageHook = null;
        var restored = new Variable(Tensor.Zeros([1000]));
        new Checkpoint { ["v"] = restored }.Restore(dir["x"]).AssertConsumed();
        Assert.All(restored.ToArray<float>(), x => Assert.Equal(1f, x));
    }

    [Fact]
    public void MissingCheckpointIsFileNotFound()
    {
        using var dir = new TempDir();
        Assert.Throws<FileNotFoundException>(() => new Checkpoint().Restore(dir["none"]));
    }
}

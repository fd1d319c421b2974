namespace LayerGen.Checkpoints.Tests;

public class ManagerTests
{
    [Fact]
    public void KeepsTheLastNAndKnowsTheLatest()
    {
        using var dir = new TempDir();
        var v = new Variable(0f);
        var ckpt = new Checkpoint { ["v"] = v };
        var manager = new CheckpointManager(ckpt, dir.Path, maxToKeep: 2);
        Assert.Null(manager.LatestCheckpoint);
        Assert.Null(manager.RestoreLatest());
        for (int i = 1; i <= 4; i++)
        {
            v.Assign(Tensor.Scalar((float)i));
            Assert.Equal(dir[$"ckpt-{i}"], manager.Save());
        }
        Assert.Equal([dir["ckpt-3"], dir["ckpt-4"]], manager.Checkpoints);
        Assert.Equal(dir["ckpt-4"], manager.LatestCheckpoint);
        Assert.Equal(dir["ckpt-4"], Checkpoint.LatestCheckpoint(dir.Path));
        Assert.False(File.Exists(dir["ckpt-1.index"]));
        Assert.False(File.Exists(dir["ckpt-2.data-00000-of-00001"]));
        Assert.True(File.Exists(dir["ckpt-3.index"]));
        Assert.Equal(
            "model_checkpoint_path: \"ckpt-4\"\nall_model_checkpoint_paths: \"ckpt-3\"\nall_model_checkpoint_paths: \"ckpt-4\"\n",
            File.ReadAllText(dir["checkpoint"]));
    }

    [Fact]
    public void ANewManagerPicksUpTheState()
    {
        using var dir = new TempDir();
        var v = new Variable(0f);
        var manager = new CheckpointManager(new Checkpoint { ["v"] = v }, dir.Path, maxToKeep: 3, checkpointName: "model");
        for (int i = 1; i <= 3; i++) { v.Assign(Tensor.Scalar((float)i)); manager.Save(); }

        var v2 = new Variable(0f);
        var manager2 = new CheckpointManager(new Checkpoint { ["v"] = v2 }, dir.Path, maxToKeep: 3, checkpointName: "model");
        Assert.Equal(manager.Checkpoints, manager2.Checkpoints);
        manager2.RestoreLatest()!.AssertConsumed();
        Assert.Equal(3f, v2.ToScalar<float>());
        Assert.Equal(dir["model-4"], manager2.Save());

        // even without restoring first, numbering continues past what exists
        var manager3 = new CheckpointManager(new Checkpoint { ["v"] = new Variable(0f) }, dir.Path, maxToKeep: 3, checkpointName: "model");
        Assert.Equal(dir["model-5"], manager3.Save());
        Assert.Equal([dir["model-3"], dir["model-4"], dir["model-5"]], manager3.Checkpoints);
        Assert.False(File.Exists(dir["model-2.index"]));
    }

    [Fact]
    public void LeftoversOfAnInterruptedSaveAreRemoved()
    {
        using var dir = new TempDir();
        var ckpt = new Checkpoint { ["v"] = new Variable(1f) };
        new CheckpointManager(ckpt, dir.Path).Save();
        File.WriteAllText(dir["ckpt-2.data-00000-of-00001"], "orphan");
        File.WriteAllText(dir["ckpt-2.index.tmp-0123456789ab"], "partial");
        File.WriteAllText(dir["other.data-00000-of-00001"], "not ours");
        Assert.Null(Checkpoint.LatestCheckpoint(dir["nowhere"]));
        var manager = new CheckpointManager(new Checkpoint { ["v"] = new Variable(0f) }, dir.Path);
        Assert.Equal(["checkpoint", "ckpt-1.data-00000-of-00001", "ckpt-1.index", "other.data-00000-of-00001"],
            Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(dir["ckpt-1"], manager.LatestCheckpoint);
    }

    [Fact]
    public void KeepAll()
    {
        using var dir = new TempDir();
        var manager = new CheckpointManager(new Checkpoint { ["v"] = new Variable(0f) }, dir.Path, maxToKeep: null);
        for (int i = 0; i < 4; i++) manager.Save();
        Assert.Equal(4, manager.Checkpoints.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointManager(new Checkpoint(), dir.Path, maxToKeep: 0));
    }
}

namespace LayerGen.Checkpoints.Tests;

/// <summary>A manager only ever touches files it can prove are its own (issue 20, item 4).</summary>
public class ManagerOwnershipTests
{
    private static void WriteState(TempDir dir, string ckptDir, params string[] listed)
    {
        var text = $"model_checkpoint_path: \"{listed[^1]}\"\n" + string.Concat(listed.Select(p => $"all_model_checkpoint_paths: \"{p}\"\n"));
        File.WriteAllText(Path.Combine(ckptDir, "checkpoint"), text);
    }

    [Theory]
    [InlineData("../victim/model")]
    [InlineData("../victim/ckpt-1")]
    [InlineData("ABSOLUTE")]
    [InlineData("notes")]
    [InlineData("other-3")]
    public void AStateFileListingFilesThatAreNotItsOwnNeverMakesSaveDeleteThem(string listed)
    {
        using var dir = new TempDir();
        string ckptDir = dir["ckpts"], victimDir = dir["victim"];
        Directory.CreateDirectory(ckptDir);
        Directory.CreateDirectory(victimDir);
        string victimName = listed.StartsWith("../victim/", StringComparison.Ordinal) ? listed["../victim/".Length..] : "model";
        string victimBase = listed is "notes" or "other-3" ? Path.Combine(ckptDir, listed) : Path.Combine(victimDir, victimName);
        if (listed == "ABSOLUTE") listed = victimBase;
        // a real checkpoint stands where the state file points, so only ownership can protect it
        new Checkpoint { ["v"] = new Variable(7f) }.Write(victimBase);
        var victims = Directory.GetFiles(Path.GetDirectoryName(victimBase)!, Path.GetFileName(victimBase) + ".*");
        Assert.NotEmpty(victims);
        WriteState(dir, ckptDir, listed);

        var v = new Variable(0f);
        var manager = new CheckpointManager(new Checkpoint { ["v"] = v }, ckptDir, maxToKeep: 1);
        Assert.Empty(manager.Checkpoints);
        for (int i = 1; i <= 3; i++) { v.Assign(Tensor.Scalar((float)i)); manager.Save(); }

        foreach (var f in victims) Assert.True(File.Exists(f), $"{f} was deleted");
        Assert.Equal([Path.Combine(ckptDir, "ckpt-3")], manager.Checkpoints);
    }

    [Fact]
    public void ItsOwnCheckpointsListedInTheStateFileAreStillRotated()
    {
        using var dir = new TempDir();
        var v = new Variable(0f);
        var first = new CheckpointManager(new Checkpoint { ["v"] = v }, dir.Path, maxToKeep: 2);
        first.Save();
        first.Save();
        var second = new CheckpointManager(new Checkpoint { ["v"] = v }, dir.Path + Path.DirectorySeparatorChar, maxToKeep: 2);
        Assert.Equal(first.Checkpoints, second.Checkpoints);
        second.Save();
        Assert.False(File.Exists(dir["ckpt-1.index"]));
        Assert.True(File.Exists(dir["ckpt-2.index"]));
    }
}

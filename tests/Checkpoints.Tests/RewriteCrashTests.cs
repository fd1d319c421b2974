namespace LayerGen.Checkpoints.Tests;

/// <summary><see cref="Checkpoint.Write"/> over an existing prefix is as crash-safe as a save to a new one (issue 20, item 9).</summary>
public class RewriteCrashTests
{
    private static float[] RestoreValues(string prefix, int size)
    {
        var restored = new Variable(Tensor.Zeros([size]));
        new Checkpoint { ["v"] = restored }.Restore(prefix).AssertConsumed();
        return restored.ToArray<float>();
    }

    [Theory]
    [InlineData("shards-written", 1 << 20)]
    [InlineData("shards-renamed", 1 << 20)]
    [InlineData("index-written", 1 << 20)]
    [InlineData("shards-written", 1000)]
    [InlineData("shards-renamed", 1000)]
    [InlineData("index-written", 1000)]
    public void AWriteInterruptedAtAnyStageLeavesTheOldCheckpointAtTheSamePrefixReadable(string stage, long maxShardBytes)
    {
        using var dir = new TempDir();
        var v = new Variable(Tensor.Full([1000], 1));
        var ckpt = new Checkpoint { ["v"] = v, MaxShardBytes = maxShardBytes };
        ckpt.Write(dir["x"]);
        for (int attempt = 2; attempt <= 4; attempt++)
        {
            v.Assign(Tensor.Full([1000], attempt));
            ckpt.WriteStageHook = s => { if (s == stage) throw new IOException("simulated crash at " + s); };
            Assert.Throws<IOException>(() => ckpt.Write(dir["x"]));
            ckpt.WriteStageHook = null;
            Assert.All(RestoreValues(dir["x"], 1000), x => Assert.Equal(1f, x));
        }

        v.Assign(Tensor.Full([1000], 5));
        ckpt.Write(dir["x"]);
        Assert.All(RestoreValues(dir["x"], 1000), x => Assert.Equal(5f, x));
        // the finished write removed the old shards and those the interrupted writes left
        var shardCounts = Directory.GetFiles(dir.Path, "x.data-*").Select(f => f[^5..]).Distinct().ToArray();
        Assert.Single(shardCounts);
    }

    [Fact]
    public void RepeatedRewritesKeepOneSetOfShardsAndReadBack()
    {
        using var dir = new TempDir();
        var v = new Variable(Tensor.Full([10], 0));
        var ckpt = new Checkpoint { ["v"] = v };
        for (int i = 1; i <= 4; i++)
        {
            v.Assign(Tensor.Full([10], i));
            ckpt.Write(dir["x"]);
            Assert.All(RestoreValues(dir["x"], 10), x => Assert.Equal((float)i, x));
            Assert.Single(Directory.GetFiles(dir.Path, "x.index"));
            Assert.Single(Directory.GetFiles(dir.Path, "x.data-*").Select(f => f[^5..]).Distinct());
        }
    }
}

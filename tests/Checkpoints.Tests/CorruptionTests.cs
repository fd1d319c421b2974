using System.Text;

namespace LayerGen.Checkpoints.Tests;

/// <summary>Readers trust nothing: every damaged file gives a typed error naming the file (and key), never garbage.</summary>
public class CorruptionTests
{
    private const string Key = "v/.ATTRIBUTES/VARIABLE_VALUE";

    private static (TempDir Dir, string Prefix, Variable Target) Make()
    {
        var dir = new TempDir();
        var v = new Variable(Tensor.Range(0, 256, 1));
        new Checkpoint { ["v"] = v }.Write(dir["c"]);
        return (dir, dir["c"], new Variable(Tensor.Full([256], -1)));
    }

    private static CheckpointFormatException RestoreFails(string prefix, Variable target)
    {
        var ex = Assert.ThrowsAny<CheckpointFormatException>(() => new Checkpoint { ["v"] = target }.Restore(prefix));
        Assert.All(target.ToArray<float>(), x => Assert.Equal(-1f, x)); // nothing assigned
        return ex;
    }

    [Fact]
    public void TruncatedShard()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        string shard = prefix + ".data-00000-of-00001";
        using (var fs = new FileStream(shard, FileMode.Open)) fs.SetLength(fs.Length - 10);
        var ex = RestoreFails(prefix, target);
        Assert.Equal(shard, ex.File);
        Assert.Contains("truncated", ex.Message);
        Assert.NotNull(ex.Key);
    }

    [Fact]
    public void FlippedDataByte()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        string shard = prefix + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(shard);
        bytes[^5] ^= 0x10;
        File.WriteAllBytes(shard, bytes);
        var ex = RestoreFails(prefix, target);
        Assert.Equal(Key, ex.Key);
        Assert.Contains("checksum mismatch", ex.Message);
        Assert.Throws<CheckpointFormatException>(() => Checkpoint.LoadVariable(prefix, Key));
    }

    [Fact]
    public void FlippedIndexByte()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        var bytes = File.ReadAllBytes(prefix + ".index");
        int i = Encoding.ASCII.GetString(bytes).IndexOf("\"offset\": 8", StringComparison.Ordinal);
        Assert.True(i > 0);
        bytes[i + 10] = (byte)'9';
        File.WriteAllBytes(prefix + ".index", bytes);
        var ex = RestoreFails(prefix, target);
        Assert.Contains("index checksum mismatch", ex.Message);
        Assert.EndsWith(".index", ex.File);
    }

    /// <summary>Rewrites the index JSON and its checksum, as a lying (not damaged) writer would.</summary>
    private static void Forge(string prefix, Func<string, string> edit, string? versionLine = null)
    {
        var text = File.ReadAllText(prefix + ".index");
        int first = text.IndexOf('\n');
        int last = text.LastIndexOf('\n', text.Length - 2);
        string body = (versionLine ?? text[..first]) + "\n" + edit(text[(first + 1)..(last + 1)]);
        uint crc = Crc32C.Compute(Encoding.UTF8.GetBytes(body));
        File.WriteAllText(prefix + ".index", body + $"crc32c {crc:x8}\n");
    }

    [Fact]
    public void OffsetPastTheEnd()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        Forge(prefix, j => j.Replace("\"offset\": 8", "\"offset\": 4000", StringComparison.Ordinal));
        var ex = RestoreFails(prefix, target);
        Assert.Equal(Key, ex.Key);
        Assert.Contains("past the end", ex.Message);
    }

    [Theory]
    [InlineData("[\n        -1\n      ]", "negative")]
    [InlineData("[\n        4294967296\n      ]", "larger than")]
    [InlineData("[\n        65536, 65536, 65536\n      ]", "overflow")]
    public void LyingShape(string shape, string message)
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        Forge(prefix, j => j.Replace("[\n        256\n      ]", shape, StringComparison.Ordinal));
        var ex = RestoreFails(prefix, target);
        Assert.Equal(Key, ex.Key);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void LengthThatDisagreesWithShape()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        Forge(prefix, j => j.Replace("\"length\": 1024", "\"length\": 1020", StringComparison.Ordinal));
        Assert.Contains("does not match shape", RestoreFails(prefix, target).Message);
    }

    [Fact]
    public void UnknownVersionIsRefusedClearly()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        Forge(prefix, j => j, versionLine: "LayerGen checkpoint index v2");
        var ex = Assert.IsType<CheckpointVersionException>(RestoreFails(prefix, target));
        Assert.Equal(2, ex.Version);
        Assert.Contains("newer LayerGen", ex.Message);
    }

    [Fact]
    public void NotAnIndex()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        File.WriteAllText(prefix + ".index", "hello\n");
        Assert.Contains("not a LayerGen checkpoint index", RestoreFails(prefix, target).Message);
        File.WriteAllText(prefix + ".index", "LayerGen checkpoint index v1\n{\"format\":");
        Assert.Contains("truncated", RestoreFails(prefix, target).Message);
    }

    [Fact]
    public void HugeIndexIsRefusedBeforeReading()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        using (var fs = new FileStream(prefix + ".index", FileMode.Open)) fs.SetLength(CheckpointIndex.MaxIndexBytes + 1); // sparse
        Assert.Contains("limit", RestoreFails(prefix, target).Message);
    }

    [Fact]
    public void MissingShard()
    {
        var (dir, prefix, target) = Make();
        using var _ = dir;
        File.Delete(prefix + ".data-00000-of-00001");
        Assert.Contains("missing", RestoreFails(prefix, target).Message);
    }

    [Fact]
    public void BoolBytesMustBeZeroOrOne()
    {
        using var dir = new TempDir();
        var b = new Variable(Tensor.From(new[] { true, false }));
        new Checkpoint { ["b"] = b }.Write(dir["b"]);
        string shard = dir["b"] + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(shard);
        bytes[^1] = 2; // then fix the checksum: a lying writer, not a damaged file
        File.WriteAllBytes(shard, bytes);
        Forge(dir["b"], j =>
        {
            uint crc = Crc32C.Compute(bytes.AsSpan(bytes.Length - 2));
            int at = j.IndexOf("\"key\": \"b/", j.IndexOf("\"tensors\"", StringComparison.Ordinal), StringComparison.Ordinal);
            int c = j.IndexOf("\"crc32c\": ", at, StringComparison.Ordinal) + 10;
            int end = j.IndexOf('\n', c);
            return j[..c] + crc + j[end..];
        });
        var ex = Assert.Throws<CheckpointFormatException>(() => new Checkpoint { ["b"] = new Variable(Tensor.From(new[] { false, false })) }.Restore(dir["b"]));
        Assert.Contains("bool", ex.Message);
    }
}

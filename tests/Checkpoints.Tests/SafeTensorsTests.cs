using System.Buffers.Binary;
using System.Text;

namespace LayerGen.Checkpoints.Tests;

public class SafeTensorsTests
{
    [Fact]
    public void FollowsThePublishedLayout()
    {
        using var dir = new TempDir();
        string path = dir["a.safetensors"];
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.From(new[] { 1f, 2f }),
            ["b"] = Tensor.From(new[] { 3L }),
        }, path, new Dictionary<string, string> { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0ul, (8 + n) % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(
            "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
            header.TrimEnd(' '));
        Assert.Equal(8 + (int)n + 16, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + (int)n));

        var loaded = SafeTensors.Load(path, out var metadata);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(["a", "b"], loaded.Keys);
        Assert.Equal([1f, 2f], loaded["a"].ToArray<float>());
        Assert.Equal([3L], loaded["b"].ToArray<long>());
    }

    [Fact]
    public void EveryDTypeRoundTripsThroughAModule()
    {
        using var dir = new TempDir();
        var m = new AllDTypes();
        var expected = m.Variables.Select(v => v.AsBytes().ToArray()).ToList();
        SafeTensors.Save(m, dir["m.safetensors"]);
        Assert.Equal(["f32", "f64", "i32", "i64", "bool", "scalar", "empty"], SafeTensors.List(dir["m.safetensors"]).Select(e => e.Key));
        m.Zero();
        SafeTensors.LoadInto(m, dir["m.safetensors"]).AssertConsumed();
        Assert.Equal(expected, m.Variables.Select(v => v.AsBytes().ToArray()).ToList());
    }

    [Fact]
    public void LoadIntoByNameWithAMapAndAReport()
    {
        using var dir = new TempDir();
        var model = new SequentialModule(new RandomGenerator(1));
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["dense1.weight"] = model.Dense1.W,
            ["dense1.bias"] = model.Dense1.B,
            ["head.weight"] = Tensor.Zeros([2]),
        }, dir["t.safetensors"]);
        var target = new SequentialModule(new RandomGenerator(2));
        var report = SafeTensors.LoadInto(target, dir["t.safetensors"], new Dictionary<string, string>
        {
            ["dense1.weight"] = "dense1/w",
            ["dense1.bias"] = "dense1/b",
        });
        Assert.Equal(model.Dense1.W.ToArray<float>(), target.Dense1.W.ToArray<float>());
        Assert.Equal(["dense2/w", "dense2/b"], report.MissingFromFile);
        Assert.Equal(["head.weight"], report.UnusedInFile);
        Assert.Throws<CheckpointMismatchException>(() => report.AssertConsumed());
        Assert.Throws<CheckpointMismatchException>(() => report.AssertExistingObjectsMatched());

        // a shape mismatch assigns nothing
        var before = target.Dense2.W.ToArray<float>();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["dense2/w"] = Tensor.Zeros([2, 3]), ["dense1/w"] = Tensor.Zeros([3, 3]) }, dir["bad.safetensors"]);
        var w1 = target.Dense1.W.ToArray<float>();
        var ex = Assert.Throws<CheckpointMismatchException>(() => SafeTensors.LoadInto(target, dir["bad.safetensors"]));
        Assert.Equal(["dense2/w"], ex.Paths);
        Assert.Equal(before, target.Dense2.W.ToArray<float>());
        Assert.Equal(w1, target.Dense1.W.ToArray<float>());
    }

    private static string Write(TempDir dir, string header, int dataBytes, ulong? claimedLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        string path = dir[Guid.NewGuid().ToString("N") + ".safetensors"];
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap", "b")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "past the end", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "negative", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "larger than", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8, "not an integer", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 8, "overflow", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "not supported", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "hole", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "twice", "a")]
    [InlineData("{\"__metadata__\":{\"x\":1}}", 0, "not a string", "__metadata__")]
    [InlineData("[1,2]", 0, "JSON object", null)]
    [InlineData("{\"a\":", 0, "invalid", null)]
    public void LyingFilesAreRefused(string header, int dataBytes, string message, string? key)
    {
        using var dir = new TempDir();
        string path = Write(dir, header, dataBytes);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(message, ex.Message);
        Assert.Equal(path, ex.File);
        Assert.Equal(key, ex.Key);
    }

    [Fact]
    public void HeaderLengthIsCappedAndChecked()
    {
        using var dir = new TempDir();
        var huge = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(Write(dir, "{}", 0, claimedLength: 200_000_000)));
        Assert.Contains("limit", huge.Message);
        var past = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(Write(dir, "{}", 0, claimedLength: 50)));
        Assert.Contains("truncated", past.Message);
        string tiny = dir["tiny.safetensors"];
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(tiny)).Message);
    }

    [Fact]
    public void TruncatedDataIsRefused()
    {
        using var dir = new TempDir();
        string path = dir["t.safetensors"];
        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = Tensor.Ones([100]) }, path);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(fs.Length - 1);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Equal("x", ex.Key);
    }

    [Fact]
    public void BoolBytesAreChecked()
    {
        using var dir = new TempDir();
        string path = Write(dir, "{\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] = 7;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("bool", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path)).Message);
    }
}

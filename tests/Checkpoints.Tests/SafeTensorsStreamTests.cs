namespace LayerGen.Checkpoints.Tests;

/// <summary>The safetensors Stream overloads write the bytes a file gets and read them back, from any stream position.</summary>
public class SafeTensorsStreamTests
{
    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["f"] = Tensor.From(new[] { 1.5f, -2f, 3f }),
        ["i"] = Tensor.From(new[] { 7L, 8L }),
        ["b"] = Tensor.From(new[] { true, false }),
    };

    [Fact]
    public void StreamRoundTripMatchesTheFile()
    {
        using var dir = new TempDir();
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        SafeTensors.Save(Sample(), dir["t.safetensors"], metadata);
        var ms = new MemoryStream();
        SafeTensors.Save(Sample(), ms, metadata);
        Assert.Equal(File.ReadAllBytes(dir["t.safetensors"]), ms.ToArray());

        ms.Position = 0;
        var loaded = SafeTensors.Load(ms, out var readMetadata);
        Assert.Equal(["f", "i", "b"], loaded.Keys);
        Assert.Equal(new[] { 1.5f, -2f, 3f }, loaded["f"].ToArray<float>());
        Assert.Equal(new[] { 7L, 8L }, loaded["i"].ToArray<long>());
        Assert.Equal(new[] { true, false }, loaded["b"].ToArray<bool>());
        Assert.Equal("pt", readMetadata["format"]);
        ms.Position = 0;
        Assert.Equal(["f", "i", "b"], SafeTensors.List(ms).Select(e => e.Key));
    }

    [Fact]
    public void ModuleRoundTripsThroughAStreamAtAnOffsetAndAForwardOnlyStream()
    {
        var m = new SequentialModule(new RandomGenerator(3));
        var expected = m.Variables.Select(v => v.ToArray<float>()).ToList();
        var ms = new MemoryStream();
        ms.Write([1, 2, 3]);                      // reading starts at the stream's position
        SafeTensors.Save(m, ms);
        ms.Position = 3;
        var target = new SequentialModule(new RandomGenerator(4));
        SafeTensors.LoadInto(target, ms).AssertConsumed();
        Assert.Equal(expected, target.Variables.Select(v => v.ToArray<float>()).ToList());

        var other = new SequentialModule(new RandomGenerator(5));
        SafeTensors.LoadInto(other, new ForwardOnlyStream(ms.ToArray()[3..])).AssertConsumed();
        Assert.Equal(expected, other.Variables.Select(v => v.ToArray<float>()).ToList());
    }

    [Fact]
    public void DamagedStreamThrowsTheSafeTensorsExceptionNamingTheStream()
    {
        var ms = new MemoryStream();
        SafeTensors.Save(Sample(), ms);
        ms.SetLength(ms.Length - 1);
        ms.Position = 0;
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(ms));
        Assert.Equal(SafeTensors.StreamName, ex.File);
    }

    /// <summary>A stream that can only be read forwards (like a network stream).</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

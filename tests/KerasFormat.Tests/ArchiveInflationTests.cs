using System.Buffers.Binary;
using System.IO.Compression;
using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Zip bombs and lying zip headers in <c>.keras</c> archives (issue 20, item 7): a member is bounded by an inflation
/// ratio and the weights by what the config's model can hold, and the inflated bytes are counted, never taken from
/// the header. A refused load allocates about what the archive really holds.
/// </summary>
public class ArchiveInflationTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_plain.keras");

    /// <summary>Writes the fixture's members again, the weights padded with <paramref name="padding"/> zero bytes (HDF5 ignores bytes past its end) and stored with <paramref name="level"/>.</summary>
    private static string Padded(int padding, CompressionLevel level)
    {
        var target = Archives.Temp(".keras");
        using var fs = File.Create(target);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, bytes, _) in Archives.Entries(Good))
        {
            using var s = zip.CreateEntry(name, name == "model.weights.h5" ? level : CompressionLevel.NoCompression).Open();
            s.Write(bytes);
            if (name == "model.weights.h5") s.Write(new byte[padding]);
        }
        return target;
    }

    private static (KerasFormatException Error, long Allocated) Refused(Func<object> load)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<KerasFormatException>(load);
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheFixtureStillLoadsAndPaddingWithinTheBoundsIsAccepted()
    {
        Assert.NotNull(Model.Load(Padded(100_000, CompressionLevel.Optimal)));
    }

    [Fact]
    public void AHighlyCompressedMemberIsRefusedByItsInflationRatio()
    {
        string path = Padded(64 << 20, CompressionLevel.SmallestSize); // 64 MiB of zeros deflate to ~64 KB
        long size = new FileInfo(path).Length;
        var (e, allocated) = Refused(() => Model.Load(path));
        Assert.Contains("zip bomb", e.Message);
        Assert.Contains("model.weights.h5", e.Message);
        Assert.True(allocated < 8_000_000 + 4 * size, $"the refused load allocated {allocated} bytes for a {size}-byte archive");
        Assert.Throws<KerasFormatException>(() => Model.Load(path).LoadWeights(path));
    }

    [Fact]
    public void AWeightsMemberFarLargerThanTheConfigsModelIsRefused()
    {
        string path = Padded(3 << 20, CompressionLevel.NoCompression); // stored: ratio 1, but 3 MiB for a model of a few hundred floats
        long size = new FileInfo(path).Length;
        var (e, allocated) = Refused(() => Model.Load(path));
        Assert.Contains("what the model of config.json can hold", e.Message);
        Assert.True(allocated < 8_000_000, $"the refused load allocated {allocated} bytes for a {size}-byte archive");
        var model = Model.Load(Good);
        Assert.Contains("what the model of the model loading them can hold", Assert.Throws<KerasFormatException>(() => model.LoadWeights(path)).Message);
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="member"/> in its local header and in the central directory.</summary>
    private static string WithDeclaredSize(string source, string member, Func<uint, uint> change)
    {
        var bytes = File.ReadAllBytes(source);
        var name = System.Text.Encoding.ASCII.GetBytes(member);
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (sig == 0x04034b50 && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 26)) == name.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), change(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 22))));
            if (sig == 0x02014b50 && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28)) == name.Length)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), change(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 24))));
        }
        var target = Archives.Temp(".keras");
        File.WriteAllBytes(target, bytes);
        return target;
    }

    [Theory]
    [InlineData(-100)]
    [InlineData(+100)]
    public void AZipHeaderThatMisstatesTheInflatedSizeIsRefused(int delta)
    {
        string deflated = Padded(0, CompressionLevel.Optimal);
        string path = WithDeclaredSize(deflated, "model.weights.h5", n => (uint)(n + delta));
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("model.weights.h5", e.Message + e.InnerException?.Message);
    }
}

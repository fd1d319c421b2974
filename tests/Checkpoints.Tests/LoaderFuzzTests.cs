using System.Globalization;
using System.Text;
using LayerGen.Saving;

namespace LayerGen.Checkpoints.Tests;

/// <summary>
/// Seeded random damage to safetensors headers and checkpoint indexes: the loaders give their own format
/// exception or succeed, never a generic .NET exception (issue 20, item 6).
/// </summary>
public class LoaderFuzzTests
{
    private static readonly byte[] Interesting = [.. "\"[]{}:,-0123456789e.tfn "u8, 0xFF, 0xC3, 0x80, 0x00];

    private static byte[] Mutate(byte[] bytes, int from, int to, Random random)
    {
        var copy = (byte[])bytes.Clone();
        int flips = 1 + random.Next(3);
        for (int i = 0; i < flips; i++)
        {
            int at = from + random.Next(to - from);
            copy[at] = random.Next(3) == 0 ? (byte)(copy[at] ^ (1 << random.Next(8))) : Interesting[random.Next(Interesting.Length)];
        }
        return copy;
    }

    private static byte[] SafeTensorsFile()
    {
        using var ms = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["dense/kernel"] = Tensor.From<float>([1, 2, 3, 4, 5, 6], new Shape(2, 3)),
            ["dense/bias"] = Tensor.From<float>([1, 2, 3], new Shape(3)),
            ["step"] = Tensor.Scalar(7L),
        }, ms, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "fuzz" });
        return ms.ToArray();
    }

    [Fact]
    public void DamagedSafeTensorsHeadersGiveSafeTensorsFormatExceptions()
    {
        var good = SafeTensorsFile();
        int headerEnd = 8 + (int)BitConverter.ToUInt64(good, 0);
        var random = new Random(620);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bad = Mutate(good, 8, headerEnd, random);
            try { SafeTensors.Load(new MemoryStream(bad)); }
            catch (SafeTensorsFormatException) { }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(bad, 8, headerEnd - 8)}"); }
        }
    }

    [Theory]
    [InlineData("\"data_offsets\":[0,", "\"data_offsets\":[\"0\",")]
    [InlineData("\"note\":\"fuzz\"", "\"note\":\"fu\xFFz\"")]
    public void MistypedFieldsAndInvalidUtf8InASafeTensorsHeaderAreFormatErrors(string find, string replace)
    {
        var good = SafeTensorsFile();
        int headerEnd = 8 + (int)BitConverter.ToUInt64(good, 0);
        string header = Encoding.Latin1.GetString(good, 8, headerEnd - 8);
        Assert.Contains(find, header);
        var newHeader = Encoding.Latin1.GetBytes(header.Replace(find, replace, StringComparison.Ordinal).PadRight(header.Length + 8).Substring(0, header.Length + 8));
        var bad = new byte[8 + newHeader.Length + (good.Length - headerEnd)];
        BitConverter.TryWriteBytes(bad.AsSpan(0, 8), (ulong)newHeader.Length);
        newHeader.CopyTo(bad, 8);
        good.AsSpan(headerEnd).CopyTo(bad.AsSpan(8 + newHeader.Length));
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(new MemoryStream(bad)));
    }

    /// <summary>Replaces the JSON of an index and writes a valid checksum line, so the damage reaches the JSON reader.</summary>
    private static byte[] WithValidChecksum(byte[] index, Func<byte[], byte[]> changeJson)
    {
        int firstNl = Array.IndexOf(index, (byte)'\n');
        int lastStart = index.AsSpan(0, index.Length - 1).LastIndexOf((byte)'\n') + 1;
        var json = changeJson(index[(firstNl + 1)..lastStart]);
        byte[] body = [.. index.AsSpan(0, firstNl + 1), .. json];
        uint crc = LayerGen.IO.Crc32C.Compute(body);
        return [.. body, .. Encoding.ASCII.GetBytes("crc32c " + crc.ToString("x8", CultureInfo.InvariantCulture) + "\n")];
    }

    [Fact]
    public void DamagedButChecksumValidIndexesGiveCheckpointFormatExceptions()
    {
        using var dir = new TempDir();
        var ckpt = new Checkpoint { ["a"] = new Variable(Tensor.Full([3, 2], 1)), ["b"] = new Variable(Tensor.Scalar(2L)) };
        ckpt.Write(dir["x"]);
        var good = File.ReadAllBytes(dir["x.index"]);
        var random = new Random(621);
        for (int trial = 0; trial < 1500; trial++)
        {
            var bad = WithValidChecksum(good, json => Mutate(json, 0, json.Length - 1, random));
            File.WriteAllBytes(dir["x.index"], bad);
            try { new Checkpoint { ["a"] = new Variable(Tensor.Zeros([3, 2])), ["b"] = new Variable(Tensor.Scalar(0L)) }.Restore(dir["x"]); }
            catch (CheckpointFormatException) { }
            catch (CheckpointMismatchException) { }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(bad)}"); }
        }
    }

    [Theory]
    [InlineData("\"shards\": [", "\"shards\": [5,")]
    [InlineData("\"format\": \"layergen-checkpoint\"", "\"format\": \"layergen-checkpoint\", \"x\": \"\xFF\"")]
    public void WrongJsonTypesAndInvalidUtf8InAnIndexAreFormatErrors(string find, string replace)
    {
        using var dir = new TempDir();
        new Checkpoint { ["a"] = new Variable(1f) }.Write(dir["x"]);
        var good = File.ReadAllBytes(dir["x.index"]);
        string text = Encoding.Latin1.GetString(good);
        Assert.Contains(find, text);
        File.WriteAllBytes(dir["x.index"], WithValidChecksum(good, json => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(json).Replace(find, replace, StringComparison.Ordinal))));
        Assert.Throws<CheckpointFormatException>(() => new Checkpoint { ["a"] = new Variable(0f) }.Restore(dir["x"]));
    }
}

using System.Text;
using System.Text.Json;
using LayerGen.Datasets;

namespace LayerGen.Tests.Datasets;

/// <summary>
/// <see cref="NpyFile"/> on files NumPy wrote (Datasets/Scripts/gen_npy_fixtures.py: every supported dtype, format
/// versions 1.0 to 3.0, 0-row and 0-d arrays, and the kinds it refuses), and on damaged or hostile files: every
/// truncation, header bytes flipped at random, lengths and shapes that lie. Each is a value or a DatasetFormatException.
/// </summary>
public class NpyFileTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Datasets", "Fixtures", "npy", name + ".npy");

    public static TheoryData<string> Readable()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Datasets", "Fixtures", "npy", "expected.json")));
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Readable))]
    public void ReadsWhatNumPyWrote(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Datasets", "Fixtures", "npy", "expected.json")));
        var expected = doc.RootElement.GetProperty(name);
        var shape = expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var t = NpyFile.Load(Fixture(name));
        Assert.Equal(new Shape(shape), t.Shape);
        Assert.Equal(expected.GetProperty("dtype").GetString(), t.DType.Name());
        var values = expected.GetProperty("values").EnumerateArray().ToArray();
        switch (t.DType)
        {
            case DType.Float32: Assert.Equal(values.Select(v => (float)v.GetDouble()), t.ToArray<float>()); break;
            case DType.Float64: Assert.Equal(values.Select(v => v.GetDouble()), t.ToArray<double>()); break;
            case DType.Int32: Assert.Equal(values.Select(v => v.GetInt32()), t.ToArray<int>()); break;
            case DType.Int64: Assert.Equal(values.Select(v => v.GetInt64()), t.ToArray<long>()); break;
            case DType.Bool: Assert.Equal(values.Select(v => v.GetBoolean()), t.ToArray<bool>()); break;
            default: Assert.Fail($"dtype {t.DType}"); break;
        }
    }

    [Fact]
    public void ReadsRowsLazilyFromAnOpenFile()
    {
        using var npy = NpyFile.Open(Fixture("i4_2x2x3"));
        Assert.Equal(2, npy.Rows);
        Assert.Equal(6, npy.RowElements);
        Assert.Equal(DType.Int32, npy.DType);
        var row = npy.ReadRow(1);
        Assert.Equal(new Shape(2, 3), row.Shape);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, row.ToArray<int>());
        Assert.Equal(new Shape(1, 2, 3), npy.ReadRows(0, 1).Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => npy.ReadRows(1, 2));
    }

    [Theory]
    [InlineData("refuse_fortran", "fortran_order")]
    [InlineData("refuse_bigendian", "big-endian")]
    [InlineData("refuse_float16", "'<f2' is not supported")]
    [InlineData("refuse_object", "'|O' is not supported")]
    public void RefusesWhatItDoesNotReadWithTheReason(string name, string reason)
    {
        var e = Assert.Throws<DatasetFormatException>(() => NpyFile.Load(Fixture(name)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Fixture(name), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationAndAnyTrailingByteIsRefused()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixture("f4_3x4"));
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            File.WriteAllBytes(dir["t.npy"], bytes[..cut]);
            Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["t.npy"]));
        }
        File.WriteAllBytes(dir["t.npy"], [.. bytes, 0]);
        Assert.Contains("oversized", Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["t.npy"])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }", "larger than")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536), }", "needs")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'extra': 1, }", "unexpected or repeated key 'extra'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "repeated key 'descr'")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks one of")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "expected a dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", "goes on after")]
    [InlineData("__import__('os').system('true')", "expected '{'")]
    public void HostileHeadersAreRefusedBeforeAnyDataIsAllocated(string header, string reason)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["h.npy"], Npy(header, new byte[4]));
        var e = Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["h.npy"]));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHeaderLengthBeyondTheLimitOrTheFileIsRefused()
    {
        using var dir = new TempDirectory();
        var v2 = new byte[16];
        Encoding.Latin1.GetBytes("\x93NUMPY").CopyTo(v2, 0);
        v2[6] = 2;
        BitConverter.GetBytes(uint.MaxValue).CopyTo(v2, 8);
        File.WriteAllBytes(dir["big.npy"], v2);
        Assert.Contains("more than the 65536 accepted", Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["big.npy"])).Message, StringComparison.Ordinal);
        BitConverter.GetBytes(1000u).CopyTo(v2, 8);
        File.WriteAllBytes(dir["big.npy"], v2);
        Assert.Contains("truncated", Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["big.npy"])).Message, StringComparison.Ordinal);
        v2[6] = 9;
        File.WriteAllBytes(dir["big.npy"], v2);
        Assert.Contains("version 9.0", Assert.Throws<DatasetFormatException>(() => NpyFile.Load(dir["big.npy"])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomlyDamagedFilesGiveValuesOrDatasetFormatExceptions(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        foreach (var name in new[] { "f4_3x4", "b1_4", "u1_6x2", "f4_2x2_v3" })
        {
            var original = File.ReadAllBytes(Fixture(name));
            for (int trial = 0; trial < 200; trial++)
            {
                var bytes = (byte[])original.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                File.WriteAllBytes(dir["d.npy"], bytes);
                try { NpyFile.Load(dir["d.npy"]); }
                catch (DatasetFormatException) { }
            }
        }
    }

    /// <summary>A version 1.0 .npy file of <paramref name="header"/> (padded as NumPy pads) and <paramref name="data"/>.</summary>
    private static byte[] Npy(string header, byte[] data)
    {
        int unpadded = 10 + header.Length + 1;
        var padded = header + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte>(Encoding.Latin1.GetBytes("\x93NUMPY")) { 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)padded.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(padded));
        bytes.AddRange(data);
        return [.. bytes];
    }
}

using System.Buffers.Binary;
using System.Text;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Every member of a <c>.keras</c> archive is checked against its CRC-32 (issue 20, item 3).</summary>
public class ArchiveChecksumTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_adam_fit1.keras");

    /// <summary>Each member's name and the file range of its data, from the local headers.</summary>
    private static List<(string Name, int Start, int Length)> Members(byte[] file)
    {
        var list = new List<(string, int, int)>();
        int at = 0;
        while (at + 30 <= file.Length && BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) == 0x04034b50)
        {
            int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 18));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at + 28));
            string name = Encoding.UTF8.GetString(file, at + 30, nameLength);
            int start = at + 30 + nameLength + extraLength;
            list.Add((name, start, compressed));
            at = start + compressed;
        }
        return list;
    }

    [Theory]
    [InlineData("model.weights.h5")]
    [InlineData("config.json")]
    [InlineData("metadata.json")]
    public void AFlippedByteInAMemberIsRefusedNamingTheMember(string member)
    {
        var bytes = File.ReadAllBytes(Good);
        var (name, start, length) = Members(bytes).Single(m => m.Name == member);
        var random = new Random(20 + member.Length);
        for (int trial = 0; trial < 20; trial++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[start + random.Next(length)] ^= (byte)(1 << random.Next(8));
            var path = Archives.Temp(".keras");
            File.WriteAllBytes(path, damaged);
            var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
            Assert.Contains(name, e.Message);
            using var stream = new MemoryStream(damaged);
            Assert.Contains(name, Assert.Throws<KerasFormatException>(() => Model.Load(stream)).Message);
        }
    }

    [Fact]
    public void AnExtraMemberIsCheckedToo()
    {
        var path = Archives.Rewrite(Good, (_, b) => b, ("assets/notes.txt", Encoding.UTF8.GetBytes("notes kept beside the model")));
        Assert.NotNull(Model.Load(path));
        var bytes = File.ReadAllBytes(path);
        var (_, start, _) = Members(bytes).Single(m => m.Name == "assets/notes.txt");
        bytes[start + 3] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("assets/notes.txt", Assert.Throws<KerasFormatException>(() => Model.Load(path)).Message);
    }

    [Fact]
    public void RandomByteFlipsAnywhereGiveAKerasFormatExceptionOrTheSameModel()
    {
        var bytes = File.ReadAllBytes(Good);
        var x = Tensor.From<float>([1, 2, 3, -1, 0.5f, 2], new Shape(2, 3));
        var expected = Model.Load(Good).Predict(x, verbose: 0).ToFloatArray();
        var random = new Random(2020);
        for (int trial = 0; trial < 150; trial++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            using var stream = new MemoryStream(damaged);
            Model model;
            try { model = Model.Load(stream); }
            catch (KerasFormatException) { continue; }
            Assert.Equal(expected, model.Predict(x, verbose: 0).ToFloatArray());
        }
    }
}

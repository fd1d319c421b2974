using System.Text;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>A damaged config.json gives a KerasFormatException, never a generic .NET exception (issue 20, item 6).</summary>
public class ConfigJsonDamageTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_adam_fit1.keras");

    [Fact]
    public void ADuplicateKeyIsAFormatError()
    {
        var path = Archives.Rewrite(Good, (n, b) => n == "config.json"
            ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("\"module\": \"keras\",", "\"module\": \"keras\", \"module\": \"keras\",", StringComparison.Ordinal))
            : b);
        Assert.Contains("\"module\": \"keras\", \"module\"", Archives.Config(path));
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void InvalidUtf8IsAFormatError()
    {
        var path = Archives.Rewrite(Good, (n, b) =>
        {
            if (n != "config.json") return b;
            var text = Encoding.UTF8.GetString(b);
            int at = text.IndexOf("\"sequential\"", StringComparison.Ordinal) + 2;
            var bytes = (byte[])b.Clone();
            bytes[Encoding.UTF8.GetByteCount(text[..at])] = 0xFF;
            return bytes;
        });
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void RandomDamageToConfigJsonGivesKerasFormatExceptionsOrALoadedModel()
    {
        byte[] config = Encoding.UTF8.GetBytes(Archives.Config(Good));
        byte[] interesting = [.. "\"[]{}:,-0123456789e.tfn "u8, 0xFF, 0xC3];
        var random = new Random(622);
        var entries = Archives.Entries(Good);
        for (int trial = 0; trial < 300; trial++)
        {
            var bad = (byte[])config.Clone();
            bad[random.Next(bad.Length)] = interesting[random.Next(interesting.Length)];
            var path = Archives.Temp(".keras");
            Archives.Write(path, entries.Select(e => (e.Name, e.Name == "config.json" ? bad : e.Bytes)));
            try { Model.Load(path); }
            catch (KerasFormatException) { }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}"); }
            finally { File.Delete(path); }
        }
    }
}

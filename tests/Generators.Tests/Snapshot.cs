using System.Runtime.CompilerServices;

namespace LayerGen.Generators.Tests;

/// <summary>
/// Compares generated text with the expected files under <c>Snapshots/</c>. With
/// <c>LAYERGEN_UPDATE_SNAPSHOTS=1</c> it rewrites them instead of failing (review the diff, then commit).
/// </summary>
internal static class Snapshot
{
    public static bool Updating => Environment.GetEnvironmentVariable("LAYERGEN_UPDATE_SNAPSHOTS") == "1";

    /// <summary>
    /// The snapshot folder in the source tree (found through <see cref="CallerFilePathAttribute"/>), or the
    /// copy next to the test assembly when the build mapped source paths away (CI's deterministic builds).
    /// </summary>
    private static string Directory([CallerFilePath] string thisFile = "")
    {
        string source = Path.Combine(Path.GetDirectoryName(thisFile) ?? "", "Snapshots");
        if (System.IO.Directory.Exists(source)) return source;
        if (Updating) throw new InvalidOperationException($"Cannot update snapshots: the source folder {source} is not there.");
        return Path.Combine(AppContext.BaseDirectory, "Snapshots");
    }

    /// <summary>Checks every generated file of a run against <c>Snapshots/{name}/{hint name}</c>.</summary>
    public static void Match(string name, IReadOnlyList<(string HintName, string Text)> files)
    {
        string folder = Path.Combine(Directory(), name);
        if (Updating)
        {
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
            System.IO.Directory.CreateDirectory(folder);
            foreach (var (hint, text) in files)
                File.WriteAllText(Path.Combine(folder, hint), Normalize(text));
            return;
        }

        Assert.True(System.IO.Directory.Exists(folder), $"No snapshot folder {folder}: run the tests with LAYERGEN_UPDATE_SNAPSHOTS=1 to create it.");
        var expected = System.IO.Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var actual = files.Select(f => f.HintName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
        foreach (var (hint, text) in files)
        {
            string expectedText = Normalize(File.ReadAllText(Path.Combine(folder, hint)));
            Assert.True(expectedText == Normalize(text),
                $"Snapshot {name}/{hint} differs (set LAYERGEN_UPDATE_SNAPSHOTS=1 to accept).\n--- expected\n{expectedText}\n--- actual\n{Normalize(text)}");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}

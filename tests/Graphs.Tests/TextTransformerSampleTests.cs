using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/TextTransformer trains its transformer encoder (a few seconds), and its saved .keras file and ONNX export
/// predict what the trained model predicts (the sample prints OK and exits 0 only then).
/// </summary>
public partial class TextTransformerSampleTests
{
    private static readonly string SamplePath = typeof(TextTransformerSampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TextTransformerPath").Value!;

    [Fact]
    public async Task Trains_saves_reloads_and_exports_the_same_model()
    {
        string dir = Path.Combine(Path.GetTempPath(), "layergen-text-transformer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(SamplePath);
            psi.ArgumentList.Add("--epochs");
            psi.ArgumentList.Add("4");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = await p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "the sample did not finish in 3 minutes");
            output += await stderr;

            Assert.True(p.ExitCode == 0, output);
            Assert.Contains("the reloaded model's predictions are identical", output);
            Assert.Matches(@"ONNX Runtime on 1000 test sentences: max difference \S+, same class for 1000/1000", output);
            Assert.EndsWith("OK", output.TrimEnd());
            // the negation flips the sentiment: the model has learned to relate words, not to count them
            double accuracy = double.Parse(Accuracy().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(accuracy >= 0.95, $"test accuracy {accuracy}\n{output}");
            Assert.Contains("\"the movie was not good\": negative", output);
            Assert.True(File.Exists(Path.Combine(dir, "text_transformer.keras")) && File.Exists(Path.Combine(dir, "text_transformer.onnx")));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex(@"Test accuracy: ([0-9.]+)")]
    private static partial Regex Accuracy();
}

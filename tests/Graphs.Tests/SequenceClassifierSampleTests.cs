using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/SequenceClassifier in a tiny configuration (a few thousand Fashion-MNIST images for one epoch, a few
/// thousand characters of the GPL for one epoch): the LSTM learns well above chance, the character model trains and
/// samples passages at three temperatures, and both saved .keras files predict what the trained models predict (the
/// sample prints OK and exits 0 only then). Without Debian's dataset-fashion-mnist only the text part runs.
/// </summary>
public partial class SequenceClassifierSampleTests
{
    private static readonly string SamplePath = typeof(SequenceClassifierSampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SequenceClassifierPath").Value!;

    [Fact]
    public async Task TrainsBothModelsSavesReloadsAndSamples()
    {
        bool haveImages = File.Exists(Path.Combine(Datasets.FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz"));
        string dir = Path.Combine(Path.GetTempPath(), "layergen-sequence-classifier-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(SamplePath);
            foreach (var a in new[] { "--part", haveImages ? "both" : "text", "--epochs", "1", "--train-samples", "5000",
                "--text-epochs", "1", "--max-chars", "4000", "--sample-chars", "40" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = await p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "the sample did not finish in 3 minutes");
            output += await stderr;

            Assert.True(p.ExitCode == 0, output);
            Assert.EndsWith("OK", output.TrimEnd());
            Assert.Equal(haveImages ? 2 : 1, Regex.Matches(output, "the reloaded model's predictions are identical").Count);
            if (haveImages)
            {
                Assert.Contains("x_train (5000, 28, 28) (batch, timesteps, features)", output);
                double accuracy = double.Parse(Accuracy().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
                Assert.True(accuracy >= 0.5, $"test accuracy {accuracy} (chance is 0.1)\n{output}");
                Assert.True(File.Exists(Path.Combine(dir, "sequence_classifier.keras")));
            }
            Assert.Matches(@"GPL-3: 4000 characters, \d+ distinct; 1320 windows of 40", output);
            foreach (var t in new[] { "0.2", "0.5", "1.0" }) Assert.Contains($"--- temperature {t} ---", output);
            Assert.True(File.Exists(Path.Combine(dir, "char_model.keras")));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex(@"Test accuracy: ([0-9.]+)")]
    private static partial Regex Accuracy();
}

using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/SeedWalkthrough runs the guide section by section, in the guide's order, and prints what the guide shows;
/// it leaves no file behind (neither in its working directory nor in the temp directory).
/// </summary>
public partial class SeedWalkthroughSampleTests(ITestOutputHelper output)
{
    private static readonly string SamplePath = typeof(SeedWalkthroughSampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SeedWalkthroughPath").Value!;

    private static readonly string[] GuideSections =
    [
        "TensorFlow Modules / Building Modules", "Modules made of modules", "Waiting to create variables",
        "Saving weights", "Saving functions", "Creating a SavedModel",
        "Keras layers / The build step", "Keras models", "Keras models / Saving Keras models",
    ];

    private static (int Exit, string Output) RunSample(string workingDirectory, string tempDirectory)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SamplePath);
        psi.Environment["TMPDIR"] = tempDirectory;
        psi.Environment["TMP"] = tempDirectory;
        psi.Environment["TEMP"] = tempDirectory;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "the sample did not finish in 2 minutes");
        return (p.ExitCode, stdout.ReplaceLineEndings("\n") + stderr.Result);
    }

    /// <summary>The lines of each section, by title.</summary>
    private static Dictionary<string, string[]> Sections(string text)
    {
        var sections = new Dictionary<string, string[]>();
        string? title = null;
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal) && line.EndsWith(" ==", StringComparison.Ordinal))
            {
                if (title is not null) sections[title] = [.. lines];
                title = line[3..^3];
                lines.Clear();
            }
            else if (title is not null) lines.Add(line);
        }
        if (title is not null) sections[title] = [.. lines];
        return sections;
    }

    /// <summary>The printed tensors of a section (each <c>tf.Tensor(...)</c>, over its lines), in order.</summary>
    private static List<string> Tensors(string[] lines) => [.. TensorText().Matches(string.Join("\n", lines)).Select(m => m.Value)];

    [GeneratedRegex(@"tf\.Tensor\([^)]*\)[^)]*\)", RegexOptions.Singleline)]
    private static partial Regex TensorText();

    [Fact]
    public void TheSampleFollowsTheGuideSectionBySection()
    {
        using var cwd = new TempDir();
        using var tmp = new TempDir();
        var (exit, text) = RunSample(cwd.Path, tmp.Path);
        output.WriteLine(text);
        Assert.True(exit == 0, text);

        // Every section of the guide, in the guide's order
        var titles = text.Split('\n').Where(l => l.StartsWith("== ", StringComparison.Ordinal)).Select(l => l[3..^3]).ToList();
        Assert.Equal(GuideSections, titles);
        var s = Sections(text);

        Assert.Contains("tf.Tensor(30.0, shape=(), dtype=float32)", s["TensorFlow Modules / Building Modules"]);
        string modelResult = Tensors(s["Modules made of modules"])[0];
        Assert.Contains("shape=(1, 2)", modelResult);
        Assert.DoesNotContain("[[0. 0.]]", modelResult);   // a result that shows whether the weights came back

        // Saving weights: the index and one data shard, every variable by path, the same result after restoring
        var weights = s["Saving weights"];
        Assert.Equal(["  my_checkpoint.data-00000-of-00001", "  my_checkpoint.index"], weights.SkipWhile(l => l != "ls my_checkpoint*").Skip(1).Take(2));
        Assert.Equal(
        [
            "  model/dense1/b/.ATTRIBUTES/VARIABLE_VALUE [3] float32",
            "  model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE [3, 3] float32",
            "  model/dense2/b/.ATTRIBUTES/VARIABLE_VALUE [2] float32",
            "  model/dense2/w/.ATTRIBUTES/VARIABLE_VALUE [3, 2] float32",
            "  save_counter/.ATTRIBUTES/VARIABLE_VALUE [] int64",
        ], weights.SkipWhile(l => l != "list_variables:").Skip(1).Take(5));
        var restored = Tensors(weights);
        Assert.Equal([modelResult, modelResult], restored);
        Assert.Contains("restored variables equal the saved ones: True", weights);

        // Saving functions: one graph per signature, the same results, the TensorBoard graph and a DOT picture
        var functions = s["Saving functions"];
        var traced = Tensors(functions);
        Assert.Equal(modelResult, traced[0]);
        Assert.Contains("shape=(1, 2, 2)", traced[1]);
        Assert.Contains("traced 2 graphs: call(x: (1, 3) float32); call(x: (1, 2, 3) float32)", functions);
        Assert.Contains("graph ops: MatMul, Add, Relu, MatMul, Add, Relu", functions);
        Assert.Contains(functions, l => Regex.IsMatch(l, @"^TensorBoard graph: logs/func/\d{8}-\d{6}/events\.out\.tfevents\.\d+\.\S+$"));
        Assert.Contains(functions, l => l.StartsWith("Graphviz: call.dot (", StringComparison.Ordinal));

        // Creating a SavedModel: the graphs and a checkpoint of the variables; loaded without the class, the traced
        // signatures give the original's results, and another signature is refused
        var saved = s["Creating a SavedModel"];
        Assert.Equal(
        [
            "  functions/call_0.json", "  functions/call_1.json", "  saved_model.json",
            "  variables/variables.data-00000-of-00001", "  variables/variables.index",
        ], saved.SkipWhile(l => l != "ls -R the_saved_model").Skip(1).Take(5));
        Assert.Contains("loaded: <LoadedModule 'the_model' (saved from SequentialModule) functions=[call]>", saved);
        Assert.Contains("isinstance(new_model, SequentialModule): False", saved);
        Assert.Equal([traced[0], traced[1]], Tensors(saved));
        Assert.Contains("same results as the original: True", saved);
        Assert.Contains(saved, l => l.StartsWith("Failed: call: no concrete function was saved for inputs ((1, 4) float32).", StringComparison.Ordinal));

        Assert.Contains("Failed: Input 0 of layer \"flexible_dense\" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape (1, 4)",
            s["Keras layers / The build step"]);

        // Keras models: Summary() of the subclassed and of the functional model
        var models = string.Join("\n", s["Keras models"]);
        Assert.Contains("Model: \"the_model\"", models);
        Assert.Contains("Model: \"functional\"", models);
        Assert.Contains("Layer (type)", models);
        Assert.Contains("│ input_layer (InputLayer)        │ (None, 3)", models);
        Assert.Equal(2, Regex.Matches(models, @" Total params: 20 \(80\.00 B\)").Count);

        var keras = Tensors(s["Keras models / Saving Keras models"]);
        Assert.Equal(2, keras.Count);
        Assert.Equal(keras[0], keras[1]);

        // Nothing left behind
        Assert.Empty(Directory.EnumerateFileSystemEntries(cwd.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }
}

using System.Diagnostics;
using System.Globalization;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Runs <c>/usr/bin/python3</c> with h5py, the libhdf5 binding Keras itself uses (not the pyenv python on PATH).</summary>
public static class H5py
{
    /// <summary>The interpreter: Debian's, where <c>apt-get install python3-h5py</c> puts h5py.</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> _skipReason = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} does not exist; install python3-h5py (apt-get install -y python3-h5py) to read LayerGen's HDF5 files with h5py.";
        var (code, _, err) = Run("-c", "import h5py");
        return code == 0 ? null : $"h5py is not importable by {Python} ({err.Trim().Split('\n')[^1]}); install it with apt-get install -y python3-h5py.";
    });

    /// <summary>Why the h5py tests are skipped, or null when h5py is there.</summary>
    public static string? SkipReason => _skipReason.Value;

    /// <summary>The script that lists an HDF5 file (kept in Scripts/).</summary>
    public static string ListingScript => Path.Combine(AppContext.BaseDirectory, "Scripts", "h5py_listing.py");

    /// <summary>Runs the interpreter with <paramref name="args"/>; exit code, stdout, stderr.</summary>
    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException($"{Python} {string.Join(' ', args)} did not finish in 60 s."); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>h5py's listing of an HDF5 file, one line per item (see the script's docstring).</summary>
    public static List<string> List(byte[] h5)
    {
        var path = Archives.Temp(".weights.h5");
        try
        {
            File.WriteAllBytes(path, h5);
            var (code, stdout, err) = Run(ListingScript, path);
            Assert.True(code == 0, $"h5py could not read the file (exit {code}): {err}");
            return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
        finally { File.Delete(path); }
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when h5py is not installed.</summary>
public sealed class H5pyFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when h5py is missing.</summary>
    public H5pyFactAttribute() { if (H5py.SkipReason is { } reason) Skip = reason; }
}

/// <summary>A theory that is reported as skipped, with the reason, when h5py is not installed.</summary>
public sealed class H5pyTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when h5py is missing.</summary>
    public H5pyTheoryAttribute() { if (H5py.SkipReason is { } reason) Skip = reason; }
}

/// <summary>The real libhdf5 (through h5py) reads the weights files LayerGen writes, with Keras's layout and LayerGen's values.</summary>
public class H5pyTests
{
    private static readonly Tensor X = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));

    private static Sequential FixtureLike()
    {
        Keras.ClearSession();
        return new Sequential([new InputLayer(shape: [3]), new Dense(3, activation: "relu"), new Dense(2)]);
    }

    private static byte[] WeightsOf(string archive) => Archives.Entries(archive).Single(e => e.Name == "model.weights.h5").Bytes;

    private static byte[] Saved(Model model)
    {
        var path = Archives.Temp(".keras");
        try { model.Save(path); return WeightsOf(path); }
        finally { File.Delete(path); }
    }

    private static List<string> Layout(IEnumerable<string> lines) => [.. lines.Where(l => l[0] is 'G' or 'A' or 'D').Order(StringComparer.Ordinal)];

    private static float[] Values(List<string> lines, string path)
    {
        var line = lines.Single(l => l.StartsWith("V " + path + " ", StringComparison.Ordinal));
        return [.. line.Split(' ').Skip(2).Select(v => (float)double.Parse(v, CultureInfo.InvariantCulture))];
    }

    [H5pyTheory]
    [MemberData(nameof(Fixture.Versions), MemberType = typeof(Fixture))]
    public void H5pyReadsLayerGenFilesWithKerasLayout(string version)
    {
        var plain = FixtureLike();
        var fitted = FixtureLike();
        fitted.Compile(new Adam(learningRate: 0.01), "mse");
        fitted.TrainOnBatch(X, Y);
        foreach (var (model, name) in new[] { ((Model)plain, "seq_plain"), (fitted, "seq_adam_fit1") })
        {
            var expected = Archives.ParseLayout(File.ReadAllText(Fixture.PathOf(version, name + ".h5_layout.txt")));
            // The script itself, on the file real Keras wrote: h5py's view equals the fixture's listing.
            var keras = H5py.List(WeightsOf(Fixture.PathOf(version, name + ".keras")));
            Assert.Equal(expected, Layout(keras));
            // LayerGen's file, read by libhdf5.
            var ours = H5py.List(Saved(model));
            Assert.Equal(expected, Layout(ours));
            // The name attributes are variable-length UTF-8 strings, as Keras writes them.
            Assert.Equal(keras.Where(l => l[0] == 'S'), ours.Where(l => l[0] == 'S'));
            Assert.All(ours.Where(l => l[0] == 'S'), l => Assert.EndsWith(" utf-8 True", l));
            // And the values are the model's.
            var weights = model.GetWeights();
            Assert.Equal(weights[0].ToFloatArray(), Values(ours, "layers/dense/vars/0"));
            Assert.Equal(weights[1].ToFloatArray(), Values(ours, "layers/dense/vars/1"));
            Assert.Equal(weights[2].ToFloatArray(), Values(ours, "layers/dense_1/vars/0"));
            Assert.Equal(weights[3].ToFloatArray(), Values(ours, "layers/dense_1/vars/1"));
            if (model.Optimizer is { } opt)
            {
                var vars = opt.KerasVariables;
                for (int i = 0; i < vars.Count; i++)
                    Assert.Equal(vars[i].ToFloatArray(), Values(ours, $"optimizer/vars/{i}"));
            }
        }
    }

    [H5pyFact]
    public void H5pyReadsEveryOptimizersStateAndSubclassedModels()
    {
        var optimizers = new Optimizer[]
        {
            new SGD(0.05, momentum: 0.9), new RMSprop(0.01, momentum: 0.5, centered: true), new Adagrad(0.05),
            new Adamax(0.02), new Nadam(0.01), new AdamW(0.01), new Adam(schedule: new CosineDecay(0.01, 5)),
        };
        foreach (var opt in optimizers)
        {
            var model = FixtureLike();
            model.Compile(opt, "mse");
            model.TrainOnBatch(X, Y);
            model.TrainOnBatch(X, Y);
            var lines = H5py.List(Saved(model));
            var vars = opt.KerasVariables;
            Assert.Contains($"G optimizer/vars {vars.Count}", lines);
            Assert.Contains("D optimizer/vars/0 () int32", lines);
            for (int i = 0; i < vars.Count; i++)
                Assert.Equal(vars[i].ToFloatArray(), Values(lines, $"optimizer/vars/{i}"));
        }

        Keras.ClearSession();
        var sub = new TwoTowerModel();
        sub.Predict(X, verbose: 0);
        var subLines = H5py.List(Saved(sub));
        Assert.Contains("D blocks/dense/vars/0 (4, 4) float32", subLines);
        Assert.Contains("D body/vars/0 (3, 4) float32", subLines);
        Assert.Contains("A vars two_tower_model", subLines);
    }

    [H5pyFact]
    public void H5pyReadsALargeGroupAndManyLayersFromLayerGensWriter()
    {
        // 40 layers trained one step with Adam: optimizer/vars holds 2 + 4 x 80 = 162 datasets, all compact links in
        // one object header; every value must come back through libhdf5, and through LayerGen's reader.
        Keras.ClearSession();
        var layers = new List<Layer> { new InputLayer(shape: [3]) };
        for (int i = 0; i < 40; i++) layers.Add(new Dense(3, activation: "tanh"));
        var model = new Sequential(layers);
        model.Compile(new Adam(learningRate: 0.01), "mse");
        model.TrainOnBatch(X, Tensor.From<float>([1f, 0f, 0f, 1f, 0f, 1f], new Shape(2, 3)));
        var lines = H5py.List(Saved(model));
        Assert.Contains("G optimizer/vars 162", lines);
        var vars = model.Optimizer!.KerasVariables;
        for (int i = 1; i < vars.Count; i++)
            Assert.Equal(vars[i].ToFloatArray(), Values(lines, $"optimizer/vars/{i}"));
        Assert.Equal(model.Layers[39].Variables[0].ToFloatArray(), Values(lines, "layers/dense_39/vars/0"));
    }
}

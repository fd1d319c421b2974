using System.Diagnostics;
using System.Text;
using LayerGen;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace SequenceClassifier;

/// <summary>
/// A character-level language model (keras.io's "Character-level text generation", with an <c>Embedding</c> and a
/// <c>GRU</c>): windows of <see cref="WindowLength"/> characters, each character an id, predict the next character.
/// After training it writes passages sampled with a temperature from a seeded random generator.
/// </summary>
public static class CharModel
{
    /// <summary>How many characters the model reads to predict the next one.</summary>
    public const int WindowLength = 40;

    /// <summary>Start of one window every this many characters.</summary>
    public const int Stride = 3;

    /// <summary>Reads the text, trains, saves, reloads and samples; 0 when the reloaded model predicts the same.</summary>
    public static int Run(CharModelOptions options)
    {
        // 1. The data: the text's characters as ids; every window of 40 is an input, the character after it the label.
        string text;
        try { text = File.ReadAllText(options.TextFile); }
        catch (IOException e) { Console.Error.WriteLine($"Cannot read {options.TextFile}: {e.Message}"); return 1; }
        if (text.Length > options.MaxChars) text = text[..options.MaxChars];
        if (text.Length <= WindowLength + 1) { Console.Error.WriteLine($"{options.TextFile} has fewer than {WindowLength + 2} characters."); return 1; }
        var alphabet = text.Distinct().Order().ToArray();
        var ids = alphabet.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        int windows = (text.Length - WindowLength - 1) / Stride + 1;
        var x = new int[windows * WindowLength];
        var y = new int[windows];
        for (int w = 0; w < windows; w++)
        {
            int start = w * Stride;
            for (int t = 0; t < WindowLength; t++) x[w * WindowLength + t] = ids[text[start + t]];
            y[w] = ids[text[start + WindowLength]];
        }
        var xTrain = Tensor.From<int>(x, [windows, WindowLength]);
        var yTrain = Tensor.From<int>(y, [windows]);
        Console.WriteLine($"{options.TextFile}: {text.Length} characters, {alphabet.Length} distinct; {windows} windows of {WindowLength}");

        // 2. The model: character ids -> 32-wide embeddings -> GRU -> softmax over the alphabet.
        var model = new Sequential([
            new InputLayer(shape: [WindowLength], dtype: DType.Int32),
            new Embedding(alphabet.Length, 32),
            new GRU(128),
            new Dense(alphabet.Length, activation: "softmax"),
        ]);
        model.Summary();

        // 3. Train on every window.
        model.Compile(optimizer: new Adam(learningRate: 5e-3), loss: new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(xTrain, yTrain, batchSize: 128, epochs: options.Epochs);
        Console.WriteLine($"Trained {options.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s; last loss {history["loss"][^1]:F4}");

        // 4. Save, reload, compare.
        model.Save("char_model.keras");
        var reloaded = Model.Load("char_model.keras");
        var probe = xTrain[0..Math.Min(windows, 256)];
        float diff = Ops.Max(Ops.Abs(model.Predict(probe, verbose: 0) - reloaded.Predict(probe, verbose: 0))).ToScalar<float>();
        Console.WriteLine($"Saved char_model.keras ({new FileInfo("char_model.keras").Length / 1024} KiB); the reloaded model's predictions "
            + (diff == 0 ? "are identical" : $"differ by up to {diff:G3}"));

        // 5. Sample: start from a window of the text, then repeatedly draw the next character from the model's
        // distribution sharpened (temperature < 1) or flattened (> 1), and slide the window.
        var random = new Random(17);
        int seedStart = random.Next(text.Length - WindowLength);
        string seed = text.Substring(seedStart, WindowLength);
        Console.WriteLine($"Seed: \"{Printable(seed)}\"");
        foreach (double temperature in new[] { 0.2, 0.5, 1.0 })
        {
            var generated = Sample(reloaded, seed, ids, alphabet, options.SampleChars, temperature, random);
            Console.WriteLine($"--- temperature {temperature:F1} ---");
            Console.WriteLine(seed + generated);
        }
        return diff == 0 ? 0 : 1;
    }

    /// <summary><paramref name="count"/> characters generated after <paramref name="seed"/> at <paramref name="temperature"/>.</summary>
    public static string Sample(Model model, string seed, IReadOnlyDictionary<char, int> ids, char[] alphabet, int count, double temperature, Random random)
    {
        var window = seed.Select(c => ids[c]).ToArray();
        var output = new StringBuilder(count);
        var weights = new double[alphabet.Length];
        for (int n = 0; n < count; n++)
        {
            var probabilities = model.Predict(Tensor.From<int>(window, [1, WindowLength]), verbose: 0).ToArray<float>();
            // p_i^(1/T), normalised: the softmax of log(p) / T.
            double total = 0;
            for (int i = 0; i < weights.Length; i++) total += weights[i] = Math.Exp(Math.Log(Math.Max(probabilities[i], 1e-12)) / temperature);
            double r = random.NextDouble() * total;
            int next = weights.Length - 1;
            for (int i = 0; i < weights.Length; i++)
            {
                r -= weights[i];
                if (r < 0) { next = i; break; }
            }
            output.Append(alphabet[next]);
            Array.Copy(window, 1, window, 0, WindowLength - 1);
            window[^1] = next;
        }
        return output.ToString();
    }

    private static string Printable(string s) => s.Replace("\n", "\\n", StringComparison.Ordinal);
}

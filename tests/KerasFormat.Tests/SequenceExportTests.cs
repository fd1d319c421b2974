using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// LayerGen's <c>.keras</c> files of the sequence layers, for real Keras to read: models built here from the C#
/// constructors (int ids through Embedding with <c>maskZero</c>, every recurrent layer, Bidirectional, TimeDistributed)
/// and every Keras fixture saved again by LayerGen, with <c>layergen_predictions.json</c>. The test checks that
/// LayerGen reads its own files back with the same predictions; Scripts/check_layergen_sequence_exports.py loads the
/// same files in Keras (set <c>LAYERGEN_SEQUENCE_EXPORT_DIR</c> to keep them; the result is in that script's docstring).
/// </summary>
public class SequenceExportTests
{
    /// <summary>The models built from C# constructors: name, whether the input is int ids, layers.</summary>
    public static IEnumerable<(string Name, bool Ids, Func<Layer[]> Make)> Built()
    {
        yield return ("lg_embedding_lstm_masked", true, () => [new Embedding(9, 4, maskZero: true), new LSTM(3, returnSequences: true, goBackwards: true), new TimeDistributed(new Dense(2))]);
        yield return ("lg_embedding_gru_masked", true, () => [new Embedding(9, 3, maskZero: true), new GRU(4, resetAfter: false, activation: "relu")]);
        yield return ("lg_simple_rnn", false, () => [new SimpleRNN(3, returnSequences: true, useBias: true, biasInitializer: Initializers.RandomNormal(0, 0.5, 1)), new SimpleRNN(2)]);
        yield return ("lg_bidirectional_lstm", false, () => [new Bidirectional(new LSTM(3, returnSequences: true), mergeMode: "ave"), new GRU(2)]);
        yield return ("lg_masking_bidirectional_gru", false, () => [new Masking(0.0), new Bidirectional(new GRU(2))]);
        yield return ("lg_rnn_lstm_cell", false, () => [new RNN(new LSTMCell(3, unitForgetBias: false), returnSequences: true), new Dense(1)]);
    }

    private static Tensor Input(bool ids, int seed)
    {
        var rng = new Random(seed);
        if (ids)
        {
            var v = new int[3 * 6];
            for (int i = 0; i < v.Length; i++) v[i] = rng.Next(1, 9);
            v[4] = v[5] = 0;
            for (int i = 7; i < 12; i++) v[i] = 0;
            return Tensor.From<int>(v, new Shape(3, 6));
        }
        var f = new float[3 * 5 * 3];
        for (int i = 0; i < f.Length; i++) f[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 9; i < 15; i++) f[i] = 0;   // row 0: steps 3 and 4 are padding
        return Tensor.From<float>(f, new Shape(3, 5, 3));
    }

    private static JsonArray Flat(Tensor t) => new([.. (t.DType == DType.Float32 ? t.ToFloatArray().Select(v => (JsonNode)(double)v) : t.ToArray<int>().Select(v => (JsonNode)v))]);

    [Fact]
    public void WritesFilesThatLayerGenReadsBackWithTheSamePredictions()
    {
        var dir = Environment.GetEnvironmentVariable("LAYERGEN_SEQUENCE_EXPORT_DIR") ?? Path.Combine(Path.GetTempPath(), "lg-seq-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var predictions = new JsonObject();
        try
        {
            int seed = 0;
            foreach (var (name, ids, make) in Built())
            {
                Keras.ClearSession();
                var input = ids ? new InputLayer(shape: new Shape(6), dtype: DType.Int32) : new InputLayer(shape: new Shape(5, 3));
                var model = new Sequential([input, .. make()]) { Name = name };
                var x = Input(ids, ++seed);
                var y = model.Predict(x, verbose: 0);
                var path = Path.Combine(dir, name + ".keras");
                model.Save(path);
                Fixture.Close(y.ToFloatArray(), Model.Load(path).Predict(x, verbose: 0).ToFloatArray(), 1e-6f);
                predictions[name] = new JsonObject { ["x"] = Flat(x), ["x_shape"] = new JsonArray([.. x.Shape.Dims.ToArray().Select(d => (JsonNode)d)]), ["x_dtype"] = ids ? "int32" : "float32", ["y"] = Flat(y) };
            }
            foreach (var c in SequenceFixtureTests.Cases())
            {
                string name = (string)c[0];
                var model = Model.Load(ConvFixtureTests.PathOf("sequence", name + ".keras"));
                model.Save(Path.Combine(dir, "resaved_" + name + ".keras"));
            }
            File.WriteAllText(Path.Combine(dir, "layergen_predictions.json"), predictions.ToJsonString());
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("LAYERGEN_SEQUENCE_EXPORT_DIR") is null) Directory.Delete(dir, recursive: true);
        }
    }
}

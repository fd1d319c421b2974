using System.Text.Json.Nodes;
using LayerGen.Layers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Keras's <c>initial_state</c> in functional models (issue 17): the encoder-decoder pattern (an encoder LSTM with
/// <c>return_state</c>, a decoder LSTM starting from the encoder's states), states given as model inputs, and
/// Bidirectional splitting its list between the two directions. The symbolic call records the states, the model
/// predicts what the eager calls give, writes them in its config as Keras does, survives <c>.keras</c> save and load,
/// and trains through the planned (traced) step to the same weights as the eager step.
/// </summary>
public class InitialStateTests
{
    private static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        int n = shape.Aggregate(1, (a, b) => a * b);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(v, new Shape(shape));
    }

    private static void Close(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>Keras's seq2seq: encoder LSTM(4, return_state) on (5, 3); decoder LSTM(4, return_sequences) on (4, 2) from its states; Dense(2).</summary>
    private static (Model Model, LSTM Encoder, LSTM Decoder, Dense Head) Seq2Seq()
    {
        var encoderInputs = Keras.Input([5, 3], name: "encoder_inputs");
        var decoderInputs = Keras.Input([4, 2], name: "decoder_inputs");
        var encoder = new LSTM(4, returnState: true) { Name = "encoder" };
        var decoder = new LSTM(4, returnSequences: true) { Name = "decoder" };
        var head = new Dense(2) { Name = "head" };
        var encoded = encoder.Invoke(encoderInputs);
        var decoded = decoder.InvokeWithInitialState(decoderInputs, [encoded[1], encoded[2]]);
        return (new Model([encoderInputs, decoderInputs], head.Invoke(decoded[0])), encoder, decoder, head);
    }

    [Fact]
    public void AFunctionalEncoderDecoderPredictsWhatTheEagerCallsGive()
    {
        var (model, encoder, decoder, head) = Seq2Seq();
        var xe = Random(1, 3, 5, 3);
        var xd = Random(2, 3, 4, 2);
        var states = encoder.Invoke(xe);
        var expected = head.Invoke(decoder.InvokeWithInitialState(xd, [states[1], states[2]])[0]);
        var y = model.Predict([xe, xd], verbose: 0);
        Assert.Single(y);
        Assert.Equal(new Shape(3, 4, 2), y[0].Shape);
        Close(expected.ToFloatArray(), y[0].ToFloatArray(), 1e-6f);
        // The states matter: zeros as the decoder's start give other values.
        var fromZeros = head.Invoke(decoder.Invoke(xd)[0]).ToFloatArray();
        Assert.True(fromZeros.Zip(y[0].ToFloatArray()).Max(p => Math.Abs(p.First - p.Second)) > 1e-3f);
    }

    [Fact]
    public void TheConfigRecordsTheInitialStateAsKerasAndRebuilds()
    {
        var (model, _, _, _) = Seq2Seq();
        var config = model.GetConfig();
        var decoder = ((JsonArray)config["layers"]!).Single(l => l!["name"]!.GetValue<string>() == "decoder")!;
        var kwargs = (JsonObject)decoder["inbound_nodes"]![0]!["kwargs"]!;
        var states = (JsonArray)kwargs["initial_state"]!;
        Assert.Equal(2, states.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("__keras_tensor__", states[i]!["class_name"]!.GetValue<string>());
            Assert.Equal($"[\"encoder\",0,{i + 1}]", states[i]!["config"]!["keras_history"]!.ToJsonString());
            Assert.Equal("[null,4]", states[i]!["config"]!["shape"]!.ToJsonString());
        }

        var xe = Random(3, 2, 5, 3);
        var xd = Random(4, 2, 4, 2);
        var expected = model.Predict([xe, xd], verbose: 0)[0].ToFloatArray();
        var rebuilt = Model.FromFunctionalConfig(config);
        rebuilt.SetWeights(model.GetWeights());
        Close(expected, rebuilt.Predict([xe, xd], verbose: 0)[0].ToFloatArray(), 1e-6f);
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());

        var path = Path.Combine(Path.GetTempPath(), $"layergen-seq2seq-{Environment.ProcessId}-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            Close(expected, Model.Load(path).Predict([xe, xd], verbose: 0)[0].ToFloatArray(), 1e-6f);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void StatesGivenAsModelInputsStartTheLayer()
    {
        var x = Keras.Input([6, 3]);
        var h0 = Keras.Input([5]);
        var gru = new GRU(5, returnState: true);
        var outputs = gru.InvokeWithInitialState(x, [h0]);
        var model = new Model([x, h0], outputs);
        var xs = Random(5, 2, 6, 3);
        var hs = Random(6, 2, 5);
        var expected = gru.InvokeWithInitialState(xs, [hs]);
        var y = model.Predict([xs, hs], verbose: 0);
        Assert.Equal(2, y.Length);
        for (int i = 0; i < 2; i++) Close(expected[i].ToFloatArray(), y[i].ToFloatArray(), 1e-6f);
    }

    [Fact]
    public void BidirectionalSplitsTheStatesBetweenItsDirections()
    {
        var x = Keras.Input([5, 3]);
        var starts = Enumerable.Range(0, 4).Select(_ => Keras.Input([2])).ToArray();
        var bi = new Bidirectional(new LSTM(2, returnSequences: true, returnState: true), mergeMode: "concat");
        var outputs = bi.InvokeWithInitialState(x, starts);
        Assert.Equal(5, outputs.Length);
        var model = new Model([x, .. starts], outputs[0]);
        var xs = Random(7, 2, 5, 3);
        var s = Enumerable.Range(0, 4).Select(i => Random(10 + i, 2, 2)).ToArray();
        var forward = bi.ForwardLayer.InvokeWithInitialState(xs, [s[0], s[1]])[0];
        var backward = bi.BackwardLayer.InvokeWithInitialState(xs, [s[2], s[3]])[0];
        var expected = Ops.Concat([forward, Ops.Gather(backward, Tensor.From<int>([4, 3, 2, 1, 0], new Shape(5)), axis: 1)], -1);
        var y = model.Predict([xs, .. s], verbose: 0)[0];
        Close(expected.ToFloatArray(), y.ToFloatArray(), 1e-6f);
        var rebuilt = Model.FromFunctionalConfig(model.GetConfig());
        rebuilt.SetWeights(model.GetWeights());
        Close(y.ToFloatArray(), rebuilt.Predict([xs, .. s], verbose: 0)[0].ToFloatArray(), 1e-6f);

        var e = Assert.Throws<ArgumentException>(() => bi.InvokeWithInitialState(xs, [s[0], s[1], s[2]]));
        Assert.Contains(bi.Name, e.Message);
        Assert.Contains("initial_state", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnEncoderDecoderTrainsOnThePlannedStepAsOnTheEagerStep(bool runEagerly)
    {
        var xe = Random(20, 8, 5, 3);
        var xd = Random(21, 8, 4, 2);
        var target = Random(22, 8, 4, 2);
        var (reference, _, _, _) = Seq2Seq();
        var (model, _, _, _) = Seq2Seq();
        model.SetWeights(reference.GetWeights());
        reference.Compile(optimizer: new Optimizers.SGD(learningRate: 0.1), loss: "mse", runEagerly: true);
        model.Compile(optimizer: new Optimizers.SGD(learningRate: 0.1), loss: "mse", runEagerly: runEagerly);
        var a = reference.Fit([xe, xd], [target], batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        var b = model.Fit([xe, xd], [target], batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        Assert.Null(model.TraceFailure);
        Assert.Equal(runEagerly ? 0 : 1, Math.Min(1, model.TraceCount));
        Close([.. reference.GetWeights().SelectMany(w => w.ToArray<float>())], [.. model.GetWeights().SelectMany(w => w.ToArray<float>())], 1e-5f);
        Assert.Equal(a.Values["loss"][^1], b.Values["loss"][^1], 5);
    }

    [Fact]
    public void InitialStatesOfTheWrongShapeOrCountNameTheLayerAndTheShapes()
    {
        var x = Keras.Input([5, 3]);
        var lstm = new LSTM(4) { Name = "decoder" };
        var shape = Assert.Throws<ShapeMismatchException>(() => lstm.InvokeWithInitialState(x, [Keras.Input([4]), Keras.Input([3])]));
        Assert.Contains("decoder", shape.Message);
        Assert.Contains("initial_state", shape.Message);
        Assert.Contains("(None, 4)", shape.Message);
        Assert.Contains("(None, 3)", shape.Message);
        var count = Assert.Throws<ArgumentException>(() => lstm.InvokeWithInitialState(x, [Keras.Input([4])]));
        Assert.Contains("decoder", count.Message);
        Assert.Contains("2 state tensor(s)", count.Message);
        // A concrete batch that differs from the sequences'.
        var eager = Assert.Throws<ShapeMismatchException>(() => lstm.InvokeWithInitialState(Random(1, 2, 5, 3), [Tensor.Zeros(new Shape(3, 4)), Tensor.Zeros(new Shape(3, 4))]));
        Assert.Contains("(2, 4)", eager.Message);
        Assert.Contains("(3, 4)", eager.Message);
    }
}

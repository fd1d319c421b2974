using System.Diagnostics;
using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Issue 21: what a layer whose constructor arguments are not kept (LG0003, a warning) and a functional model with
/// raw ops between layers do at run time: they run, and saving fails with a message naming what is missing.
/// </summary>
public class DiagnosticsAtRunTimeTests
{
    private static Tensor T(float[,] values) => Tensor.From(values);

    [Fact]
    public void A_layer_with_arguments_not_kept_runs_but_GetConfig_names_them()
    {
        var layer = new NotKeptLayer(2f, seed: 7, center: true);
        Assert.Equal([2f, 4f], layer.Invoke(T(new[,] { { 1f, 2f } })).ToArray<float>());
        var e = Assert.Throws<ConfigException>(() => layer.GetConfig());
        Assert.Contains("NotKeptLayer", e.Message, StringComparison.Ordinal);
        Assert.Contains("'seed', 'center'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'factor'", e.Message, StringComparison.Ordinal);
        Assert.Contains("LG0003", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_a_model_holding_it_fails_with_that_message()
    {
        var x = Keras.Input([2]);
        var model = new Model(x, new NotKeptLayer(2f, seed: 7, center: false).Invoke(x));
        string path = Path.Combine(Path.GetTempPath(), "layergen-notkept-" + Guid.NewGuid().ToString("N") + ".keras");
        try
        {
            var e = Assert.Throws<ConfigException>(() => model.Save(path));
            Assert.Contains("'seed', 'center'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Recorder : TraceListener
    {
        public readonly List<string> Messages = [];
        public override void Write(string? message) { }
        public override void WriteLine(string? message) { }
        public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? message)
        {
            if (eventType == TraceEventType.Warning && message is not null)
                lock (Messages) Messages.Add(message);
        }
    }

    [Fact]
    public void A_functional_model_with_raw_ops_warns_when_built_and_names_the_op_when_saved()
    {
        var recorder = new Recorder();
        Trace.Listeners.Add(recorder);
        Model model;
        try
        {
            var x = Keras.Input([2]);
            var side = Keras.Input([3]);
            var y = new TwoInput(2) { Name = "head" }.Invoke(Ops.Relu(new Dense(2) { Name = "body" }.Invoke(x)), side);
            model = new Model([x, side], y);
        }
        finally
        {
            Trace.Listeners.Remove(recorder);
        }
        // (other tests may build models with raw ops while this listener is attached: look for ours)
        lock (recorder.Messages)
            Assert.Contains(recorder.Messages, m => m.Contains("raw op 'Relu' between layers", StringComparison.Ordinal));

        // Summary shows the head connected to the body through the op (it showed "-").
        string summary = model.Summary(lineLength: 110, print: _ => { });
        string headRow = summary.Split('\n').Single(l => l.Contains("head (TwoInput)", StringComparison.Ordinal));
        Assert.Contains("body[0][0]", headRow, StringComparison.Ordinal);

        var e = Assert.Throws<NotSupportedException>(() => model.GetConfig());
        Assert.Contains("raw op 'Relu'", e.Message, StringComparison.Ordinal);
    }
}

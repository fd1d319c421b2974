using LayerGen.Layers;

namespace LayerGen.LayerGeneration.Tests;

/// <summary>Records the mask its <c>Call</c> received: it never looks at <see cref="KerasMask"/> itself.</summary>
[Layer]
public partial class MaskRecorder
{
    public MaskRecorder() { }

    public Tensor? Received { get; private set; }

    protected Tensor Call(Tensor inputs, Tensor? mask = null)
    {
        Received = mask;
        return inputs * 2.0;
    }
}

/// <summary>Two tensor arguments with Keras's <c>&lt;name&gt;_mask</c> parameters.</summary>
[Layer]
public partial class PairMaskRecorder
{
    public PairMaskRecorder() { }

    public (Tensor? Query, Tensor? Value, Tensor? Key) Received { get; private set; }

    protected Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, Tensor? keyMask = null)
    {
        Received = (queryMask, valueMask, keyMask);
        return query + value;
    }
}

/// <summary>A call over a list of tensors with a list of masks; its output mask is the second input's.</summary>
[Layer]
public partial class ListMaskRecorder
{
    public ListMaskRecorder() { }

    public Tensor?[]? Received { get; private set; }

    public override bool SupportsMasking => true;

    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? masks) => masks?[1];

    protected Tensor Call(Tensor[] inputs, Tensor?[]? mask = null)
    {
        Received = mask;
        return inputs[0] + inputs[1];
    }
}

/// <summary>
/// <c>Layer.InvokeLayer</c> looks the inputs' masks up once, as Keras's <c>Layer.__call__</c>: <c>mask</c> for one tensor,
/// the list of masks for a list call, <c>&lt;name&gt;_mask</c> for several tensors; a mask given explicitly wins; the
/// output's mask comes from <c>ComputeMask</c> of the inputs and their masks.
/// </summary>
public class MaskArgumentTests
{
    private static Tensor Masked(Tensor x, params bool[] steps)
    {
        KerasMask.Set(x, Tensor.From(steps, new Shape(1, steps.Length)));
        return x;
    }

    [Fact]
    public void OneTensorGetsItsMaskUnlessOneIsGiven()
    {
        var layer = new MaskRecorder();
        var x = Masked(Tensor.Ones([1, 3, 2]), true, false, true);
        layer.Invoke(x);
        Assert.Same(KerasMask.Of(x), layer.Received);
        var explicitMask = Tensor.From(new[] { false, false, true }, new Shape(1, 3));
        layer.Invoke(x, mask: explicitMask);
        Assert.Same(explicitMask, layer.Received);
        layer.Invoke(Tensor.Ones([1, 3, 2]));
        Assert.Null(layer.Received);
    }

    [Fact]
    public void SeveralTensorsGetTheirNamedMasks()
    {
        var layer = new PairMaskRecorder();
        var q = Masked(Tensor.Ones([1, 2, 2]), true, false);
        var v = Masked(Tensor.Ones([1, 2, 2]), false, true);
        var k = Masked(Tensor.Ones([1, 2, 2]), true, true);
        layer.Invoke(q, v, k);
        Assert.Same(KerasMask.Of(q), layer.Received.Query);
        Assert.Same(KerasMask.Of(v), layer.Received.Value);
        Assert.Same(KerasMask.Of(k), layer.Received.Key);
        var given = Tensor.From(new[] { true, true }, new Shape(1, 2));
        layer.Invoke(q, v, valueMask: given);
        Assert.Same(KerasMask.Of(q), layer.Received.Query);
        Assert.Same(given, layer.Received.Value);
        Assert.Null(layer.Received.Key);
    }

    [Fact]
    public void AListCallGetsTheListOfMasksAndComputesTheOutputMaskFromIt()
    {
        var layer = new ListMaskRecorder();
        var a = Tensor.Ones([1, 2, 2]);
        var b = Masked(Tensor.Ones([1, 2, 2]), false, true);
        var y = layer.Invoke([a, b]);
        Assert.NotNull(layer.Received);
        Assert.Null(layer.Received![0]);
        Assert.Same(KerasMask.Of(b), layer.Received[1]);
        Assert.Same(KerasMask.Of(b), KerasMask.Of(y));
        layer.Invoke([Tensor.Ones([1, 2, 2]), Tensor.Ones([1, 2, 2])]);
        Assert.Null(layer.Received);
    }

    [Fact]
    public void MergesCombineTheInputsMasks()
    {
        var a = Masked(Tensor.Ones([1, 3, 2]), true, false, false);
        var b = Masked(Tensor.Ones([1, 3, 2]), false, false, true);
        Assert.Equal([true, false, true], KerasMask.Of(new Add().Invoke([a, b]))!.ToArray<bool>());
        // Keras: no output mask when an input has none.
        Assert.Null(KerasMask.Of(new Add().Invoke([a, Tensor.Ones([1, 3, 2])])));
        Assert.Null(KerasMask.Of(new Add().Invoke([Tensor.Ones([1, 3, 2]), Tensor.Ones([1, 3, 2])])));
    }

    [Fact]
    public void CallsOnOtherThreadsDoNotShareMasks()
    {
        // The output mask is computed within the call (no per-thread hand-over): concurrent merges get their own.
        var results = new bool[16][];
        Parallel.For(0, results.Length, i =>
        {
            bool first = i % 2 == 0;
            var a = Masked(Tensor.Ones([1, 2, 2]), first, !first);
            var b = Masked(Tensor.Ones([1, 2, 2]), false, false);
            results[i] = KerasMask.Of(new Add().Invoke([a, b]))!.ToArray<bool>();
        });
        for (int i = 0; i < results.Length; i++) Assert.Equal(i % 2 == 0 ? [true, false] : new[] { false, true }, results[i]);
    }

    [Fact]
    public void TheRecordedFunctionalCallKeepsTheCallersArguments()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3, 2]);
        var masked = new Masking().Invoke(input);
        var recorder = new MaskRecorder();
        var model = new Model(input, recorder.Invoke(masked));
        Assert.DoesNotContain("\"mask\"", model.GetConfig().ToJsonString(), StringComparison.Ordinal);
        var x = Tensor.From<float>([1, 1, 0, 0, 2, 2], new Shape(1, 3, 2));
        model.Invoke(x);
        Assert.Equal([true, false, true], recorder.Received!.ToArray<bool>());
    }
}

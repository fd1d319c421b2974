namespace LayerGen.Layers.Tests;

/// <summary>
/// Embedding, Masking and the recurrent layers (their values against real Keras are in
/// KerasFormat.Tests/SequenceFixtureTests): typed errors for bad ids, masks made, passed on and consumed, masked
/// steps carrying the state, return_state, go_backwards, stateful calls, initial states, dropout and gradients.
/// </summary>
public class SequenceLayerTests
{
    private static Tensor Random(int seed, params int[] dims)
    {
        var shape = new Shape(dims);
        var values = new float[shape.Size];
        var rng = new Random(seed);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(values, shape);
    }

    private static Tensor Ids(int[,] ids)
    {
        var flat = new int[ids.Length];
        int k = 0;
        foreach (var v in ids) flat[k++] = v;
        return Tensor.From<int>(flat, new Shape(ids.GetLength(0), ids.GetLength(1)));
    }

    private static void Close(float[] e, float[] a, float tol = 1e-5f)
    {
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - a[i]) <= tol * (1 + MathF.Abs(e[i])), $"index {i}: expected {e[i]}, got {a[i]}");
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndMakesTheMaskOfNonZeroIds()
    {
        var emb = new Embedding(5, 2, maskZero: true);
        var ids = Ids(new[,] { { 1, 4, 0 }, { 0, 2, 3 } });
        var y = emb.Invoke(ids);
        Assert.Equal(new Shape(2, 3, 2), y.Shape);
        var table = emb.Embeddings!.Value().ToFloatArray();
        var got = y.ToFloatArray();
        int[] flat = [1, 4, 0, 0, 2, 3];
        for (int i = 0; i < flat.Length; i++)
            Close([table[flat[i] * 2], table[flat[i] * 2 + 1]], [got[i * 2], got[i * 2 + 1]], 0f);
        Assert.Equal([true, true, false, false, true, true], KerasMask.Of(y)!.ToArray<bool>());
        Assert.Equal("embeddings", emb.Embeddings!.Name);
        Assert.Null(KerasMask.Of(new Embedding(5, 2).Invoke(ids)));
        var y64 = emb.Invoke(Tensor.From<long>([1L, 4L], new Shape(1, 2)));
        Assert.Equal(new Shape(1, 2, 2), y64.Shape);
    }

    [Fact]
    public void EmbeddingRefusesFloatIdsAndIdsOutOfRangeNamingTheLayerTheIdAndItsPosition()
    {
        var emb = new Embedding(5, 2) { Name = "tokens" };
        var f = Assert.Throws<DTypeMismatchException>(() => emb.Invoke(Tensor.From<float>([1f, 2f], new Shape(1, 2))));
        Assert.Contains("\"tokens\"", f.Message);
        Assert.Contains("float32", f.Message);
        var e = Assert.Throws<IdOutOfRangeException>(() => emb.Invoke(Ids(new[,] { { 1, 2, 3 }, { 4, 7, -1 } })));
        Assert.Equal(7, e.Id);
        Assert.Equal([1, 1], e.Position);
        Assert.Equal("Embedding layer \"tokens\": id 7 at position (1, 1) is out of range [0, 5).", e.Message);
        var n = Assert.Throws<IdOutOfRangeException>(() => emb.Invoke(Tensor.From<long>([0L, -3L], new Shape(2))));
        Assert.Equal(-3, n.Id);
        Assert.Equal([1], n.Position);
    }

    [Fact]
    public void MaskingZeroesPaddedStepsAndMasksThem()
    {
        var x = Tensor.From<float>([1, 2, 0, 0, 3, 0, 0, 0, 0, 5, 0, 0], new Shape(2, 3, 2));
        var y = new Masking().Invoke(x);
        Assert.Equal(x.ToFloatArray(), y.ToFloatArray());
        Assert.Equal([true, false, true, false, true, false], KerasMask.Of(y)!.ToArray<bool>());
        var z = new Masking(maskValue: 3).Invoke(Tensor.From<float>([3, 3, 1, 3], new Shape(1, 2, 2)));
        Assert.Equal([0f, 0, 1, 3], z.ToFloatArray());
        Assert.Equal([false, true], KerasMask.Of(z)!.ToArray<bool>());
    }

    public static IEnumerable<object[]> RecurrentLayers() =>
    [
        [new Func<Layer>(() => new LSTM(3, returnSequences: true))],
        [new Func<Layer>(() => new GRU(3, returnSequences: true))],
        [new Func<Layer>(() => new GRU(3, resetAfter: false, returnSequences: true))],
        [new Func<Layer>(() => new SimpleRNN(3, returnSequences: true))],
        [new Func<Layer>(() => new RNN(new LSTMCell(3), returnSequences: true))],
    ];

    [Theory]
    [MemberData(nameof(RecurrentLayers))]
    public void MaskedStepsCarryTheStateOverAndTheMaskPassesOn(Func<Layer> make)
    {
        var layer = make();
        var x = Random(1, 2, 4, 2);
        var mask = Tensor.From<bool>([true, true, false, true, true, false, false, false], new Shape(2, 4));
        var y = layer.Invoke(new CallArguments([x], mask))[0];
        Assert.Equal(new Shape(2, 4, 3), y.Shape);
        var v = y.ToFloatArray();
        // Row 0: step 2 is masked, its output repeats step 1's. Row 1: steps 1 to 3 repeat step 0's.
        Close(v[3..6], v[6..9], 0f);
        Close(v[12..15], v[15..18], 0f);
        Close(v[12..15], v[21..24], 0f);
        // Row 0's last step goes on from step 1's states, as the unmasked run of steps 0, 1, 3.
        var skipped = Ops.Concat([Ops.Slice(x, [0, 0, 0], [1, 2, -1]), Ops.Slice(x, [0, 3, 0], [1, 1, -1])], 1);
        var shortRun = layer.Invoke(new CallArguments([skipped]))[0].ToFloatArray();
        Close(shortRun[6..9], v[9..12], 1e-6f);
        Assert.Same(mask, KerasMask.Of(y));
    }

    [Fact]
    public void MasksFlowFromEmbeddingThroughSequentialIntoTheLstm()
    {
        var model = new Sequential([new InputLayer(shape: new Shape(Shape.Unknown), dtype: DType.Int32), new Embedding(6, 3, maskZero: true), new LSTM(2)]);
        var padded = model.Invoke(Ids(new[,] { { 3, 5, 0, 0 } })).ToFloatArray();
        var unpadded = model.Invoke(Tensor.From<int>([3, 5], new Shape(1, 2))).ToFloatArray();
        Close(unpadded, padded, 1e-6f);
        var noMask = new Sequential([new InputLayer(shape: new Shape(Shape.Unknown), dtype: DType.Int32), new Embedding(6, 3), new LSTM(2)]);
        noMask.SetWeights(model.GetWeights());
        Assert.NotEqual(padded, noMask.Invoke(Ids(new[,] { { 3, 5, 0, 0 } })).ToFloatArray());
    }

    [Fact]
    public void MasksFlowThroughAFunctionalModel()
    {
        var input = Keras.Input(shape: new Shape(Shape.Unknown), dtype: DType.Int32);
        var e = new Embedding(6, 3, maskZero: true).Invoke(input);
        var h = new GRU(2, returnSequences: true).Invoke(e)[0];
        var o = new SimpleRNN(2).Invoke(h)[0];
        var model = new Model(input, o);
        var padded = model.Invoke(Ids(new[,] { { 3, 5, 1, 0 } })).ToFloatArray();
        var unpadded = model.Invoke(Tensor.From<int>([3, 5, 1], new Shape(1, 3))).ToFloatArray();
        Close(unpadded, padded, 1e-6f);
    }

    [Fact]
    public void ReturnStateGoBackwardsAndInitialState()
    {
        var x = Random(2, 2, 5, 3);
        var lstm = new LSTM(4, returnState: true);
        var r = lstm.Invoke(x);
        Assert.Equal(3, r.Length);
        Assert.Equal(r[0].ToFloatArray(), r[1].ToFloatArray());
        Assert.Equal(new Shape(2, 4), r[2].Shape);
        Assert.Equal(2, new GRU(4, returnState: true).Invoke(x).Length);

        // go_backwards reads the reversed sequence: same result as the forward layer on reversed steps.
        var back = new SimpleRNN(3, goBackwards: true);
        var fwd = new SimpleRNN(3);
        var yb = back.Invoke(x)[0];
        fwd.Invoke(x);
        fwd.SetWeights(back.GetWeights());
        var reversed = Ops.Concat([.. Enumerable.Range(0, 5).Reverse().Select(t => Ops.Slice(x, [0, t, 0], [-1, 1, -1]))], 1);
        Close(yb.ToFloatArray(), fwd.Invoke(reversed)[0].ToFloatArray(), 1e-6f);

        // Two halves, the second from the first's final states, equal the whole.
        var whole = lstm.Invoke(x);
        var first = lstm.Invoke(Ops.Slice(x, [0, 0, 0], [-1, 2, -1]));
        var second = lstm.InvokeWithInitialState(Ops.Slice(x, [0, 2, 0], [-1, 3, -1]), [first[1], first[2]]);
        Close(whole[0].ToFloatArray(), second[0].ToFloatArray(), 1e-6f);
        Assert.Throws<ShapeMismatchException>(() => lstm.InvokeWithInitialState(x, [Tensor.Zeros(new Shape(2, 3)), Tensor.Zeros(new Shape(2, 4))]));
        Assert.Throws<ArgumentException>(() => lstm.InvokeWithInitialState(x, [Tensor.Zeros(new Shape(2, 4))]));
    }

    [Fact]
    public void StatefulLayersCarryStatesUntilReset()
    {
        var x = Random(3, 2, 6, 2);
        var plain = new GRU(3);
        var whole = plain.Invoke(x)[0].ToFloatArray();
        var stateful = new GRU(3, stateful: true);
        stateful.Invoke(Ops.Slice(x, [0, 0, 0], [-1, 3, -1]));
        stateful.SetWeights(plain.GetWeights());
        stateful.ResetStates();
        stateful.Invoke(Ops.Slice(x, [0, 0, 0], [-1, 3, -1]));
        Close(whole, stateful.Invoke(Ops.Slice(x, [0, 3, 0], [-1, 3, -1]))[0].ToFloatArray(), 1e-6f);
        var e = Assert.Throws<ShapeMismatchException>(() => stateful.Invoke(Random(4, 3, 2, 2)));
        Assert.Contains("ResetStates", e.Message);
        stateful.ResetStates();
        Assert.Equal(new Shape(3, 3), stateful.Invoke(Random(4, 3, 2, 2))[0].Shape);
    }

    [Fact]
    public void BadMasksAndInputsAreRefused()
    {
        var lstm = new LSTM(2);
        Assert.Throws<ShapeMismatchException>(() => lstm.Invoke(Random(1, 2, 4, 3), Tensor.Ones(new Shape(2, 5), DType.Bool)));
        Assert.ThrowsAny<Exception>(() => lstm.Invoke(Random(1, 2, 3)));
    }

    [Fact]
    public void WeightsHaveKerasNamesShapesAndTheUnitForgetBias()
    {
        var lstm = new LSTM(3);
        lstm.Invoke(Random(1, 1, 2, 5));
        var cell = (LSTMCell)lstm.Cell;
        Assert.Equal("lstm_cell", cell.Name);
        Assert.Equal(new Shape(5, 12), cell.Kernel!.Shape);
        Assert.Equal(new Shape(3, 12), cell.RecurrentKernel!.Shape);
        Assert.Equal([0f, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], cell.Bias!.Value().ToFloatArray());
        var gru = new GRU(2);
        gru.Invoke(Random(1, 1, 2, 5));
        Assert.Equal(new Shape(2, 6), ((GRUCell)gru.Cell).Bias!.Shape);
        var gru2 = new GRU(2, resetAfter: false);
        gru2.Invoke(Random(1, 1, 2, 5));
        Assert.Equal(new Shape(6), ((GRUCell)gru2.Cell).Bias!.Shape);
        Assert.Equal(["kernel", "recurrent_kernel", "bias"], lstm.Variables.Select(v => v.Name));
    }

    [Fact]
    public void CellsRunOneStepAsLayers()
    {
        var cell = new LSTMCell(2);
        var r = cell.Invoke(Random(1, 3, 4), Tensor.Zeros(new Shape(3, 2)), Tensor.Zeros(new Shape(3, 2)));
        Assert.Equal(3, r.Length);
        var rnn = new RNN(cell);
        var y = rnn.Invoke(Ops.ExpandDims(Random(1, 3, 4), 1))[0];
        Close(r[0].ToFloatArray(), y.ToFloatArray(), 1e-6f);
    }

    [Fact]
    public void GradientsFlowThroughTheLoopAndMatchFiniteDifferences()
    {
        var x = Random(5, 2, 4, 3);
        foreach (var layer in new Layer[] { new LSTM(2), new GRU(2), new GRU(2, resetAfter: false), new SimpleRNN(2) })
        {
            layer.Invoke(new CallArguments([x]));
            Tensor Loss() => Ops.Sum(Ops.Square(layer.Invoke(new CallArguments([x]))[0]));
            foreach (var kernel in new[] { layer.Variables[0], layer.Variables[1] })   // the input kernel (through the projection of all steps), the recurrent kernel
            {
            Tensor g;
            using (var tape = new GradientTape()) g = tape.Gradient(Loss(), [kernel])[0]!;
            var values = kernel.Value().ToFloatArray();
            var grad = g.ToFloatArray();
            for (int i = 0; i < values.Length; i += 3)
            {
                const float h = 1e-2f;
                var plus = (float[])values.Clone(); plus[i] += h;
                var minus = (float[])values.Clone(); minus[i] -= h;
                kernel.Assign(Tensor.From<float>(plus, kernel.Shape));
                float lp = Loss().ToFloatArray()[0];
                kernel.Assign(Tensor.From<float>(minus, kernel.Shape));
                float lm = Loss().ToFloatArray()[0];
                kernel.Assign(Tensor.From<float>(values, kernel.Shape));
                Assert.True(MathF.Abs((lp - lm) / (2 * h) - grad[i]) < 2e-3f + 2e-2f * MathF.Abs(grad[i]), $"{layer.ClassName} {kernel.Name} [{i}]: numeric {(lp - lm) / (2 * h)}, tape {grad[i]}");
            }
            }
        }
    }

    [Fact]
    public void DropoutOnlyInTraining()
    {
        var x = Random(6, 2, 3, 4);
        var lstm = new LSTM(3, dropout: 0.5, recurrentDropout: 0.5, seed: 1);
        var a = lstm.Invoke(x)[0].ToFloatArray();
        Assert.Equal(a, lstm.Invoke(x)[0].ToFloatArray());
        Assert.NotEqual(a, lstm.Invoke(x, training: true)[0].ToFloatArray());
    }
    [Fact]
    public void BidirectionalMergesBothDirections()
    {
        var x = Random(7, 2, 4, 3);
        var inner = new LSTM(2, returnSequences: true, returnState: true);
        var none = new Bidirectional(inner, mergeMode: null);
        var r = none.Invoke(x);
        Assert.Equal(2 + 4, r.Length);   // forward output, backward output, forward h and c, backward h and c
        Assert.Equal("forward_" + inner.Name, none.ForwardLayer.Name);
        Assert.Equal("backward_" + inner.Name, none.BackwardLayer.Name);
        Assert.True(none.BackwardLayer.GoBackwards);
        float[] f = r[0].ToFloatArray(), b = r[1].ToFloatArray();
        foreach (var mode in new[] { "concat", "sum", "mul", "ave" })
        {
            var bi = new Bidirectional(new LSTM(2, returnSequences: true), mergeMode: mode);
            bi.Invoke(x);
            bi.SetWeights(none.GetWeights());
            var y = bi.Invoke(x)[0].ToFloatArray();
            for (int i = 0; i < f.Length; i++)
            {
                float expected = mode switch { "sum" => f[i] + b[i], "mul" => f[i] * b[i], "ave" => (f[i] + b[i]) / 2, _ => float.NaN };
                if (mode == "concat") Assert.Equal(new[] { f[i], b[i] }, new[] { y[(i / 2) * 4 + i % 2], y[(i / 2) * 4 + 2 + i % 2] });
                else Assert.True(MathF.Abs(expected - y[i]) < 1e-6f, $"{mode} [{i}]");
            }
        }
        // The backward outputs are in time order: the backward layer's last step (time 0) comes first.
        var backOnly = none.BackwardLayer.Invoke(new CallArguments([x]))[0].ToFloatArray();
        Close(backOnly[0..2], b[6..8], 1e-6f);
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(2), mergeMode: "max"));
        Assert.Throws<ArgumentException>(() => new Bidirectional(new Dense(2)));
    }

    [Fact]
    public void TimeDistributedAppliesTheLayerToEveryStep()
    {
        var x = Random(8, 2, 3, 4);
        var dense = new Dense(5);
        var td = new TimeDistributed(dense);
        var y = td.Invoke(x);
        Assert.Equal(new Shape(2, 3, 5), y.Shape);
        var step = dense.Invoke(Ops.Squeeze(Ops.Slice(x, [1, 2, 0], [1, 1, -1]), 1)).ToFloatArray();
        Close(step, y.ToFloatArray()[25..30], 1e-6f);
        Assert.Equal(["kernel", "bias"], td.Variables.Select(v => v.Name));
        Assert.ThrowsAny<Exception>(() => td.Invoke(Random(1, 2, 4)));
    }
    [Fact]
    public void TheGenericRnnRunsAUsersOwnCell()
    {
        var x = Random(9, 2, 3, 4);
        var cell = new MinimalCell(3);
        var rnn = new RNN(cell, returnSequences: true);
        var y = rnn.Invoke(x)[0];
        Assert.Equal(new Shape(2, 3, 3), y.Shape);
        var k = cell.Variables[0];
        var r = cell.Variables[1];
        Tensor h = Tensor.Zeros(new Shape(2, 3));
        for (int t = 0; t < 3; t++)
        {
            h = Ops.Tanh(Ops.Add(Ops.MatMul(Ops.Squeeze(Ops.Slice(x, [0, t, 0], [-1, 1, -1]), 1), k), Ops.MatMul(h, r)));
            var got = Ops.Squeeze(Ops.Slice(y, [0, t, 0], [-1, 1, -1]), 1);
            Close(h.ToFloatArray(), got.ToFloatArray(), 1e-6f);
        }
        Assert.Throws<ArgumentException>(() => new RNN(new Dense(2)));
    }
}

namespace LayerGen.Layers.Tests;

/// <summary>
/// Which dropout masks the built-in cells draw, as Keras 3.15 (keras/src/layers/rnn/lstm.py, gru.py,
/// dropout_rnn_cell.py): without <c>recurrent_dropout</c> one input mask for all gates (implementation 2); with it
/// (Keras switches to implementation 1, <c>dropout_mask_count</c> 4 or 3) one input mask and one recurrent mask per
/// gate. All masks are drawn once per call and shared by the steps. Kernels made of identity blocks make each gate's
/// column block show its own mask.
/// </summary>
public class RecurrentDropoutMaskTests
{
    private const int Units = 16, Batch = 4, Steps = 3;

    private static Tensor IdentityBlocks(int gates)
    {
        var k = new float[Units * gates * Units];
        for (int g = 0; g < gates; g++)
            for (int i = 0; i < Units; i++) k[i * gates * Units + g * Units + i] = 1;
        return Tensor.From<float>(k, new Shape(Units, gates * Units));
    }

    private static T Built<T>(T cell, int gates) where T : RecurrentCellBase
    {
        cell.BuildCell(new Shape(Batch, Units));
        cell.Kernel!.Assign(IdentityBlocks(gates));
        cell.RecurrentKernel!.Assign(IdentityBlocks(gates));
        cell.Bias!.Assign(Tensor.Zeros(cell.Bias.Shape, DType.Float32));
        return cell;
    }

    /// <summary>The keep pattern of gate <paramref name="g"/>'s block of a projection of ones, per step.</summary>
    private static bool[][] Blocks(float[] projected, int gates, int g)
    {
        var result = new bool[Steps][];
        for (int t = 0; t < Steps; t++)
        {
            result[t] = new bool[Batch * Units];
            for (int b = 0; b < Batch; b++)
                for (int u = 0; u < Units; u++)
                    result[t][b * Units + u] = projected[(t * Batch + b) * gates * Units + g * Units + u] != 0;
        }
        return result;
    }

    [Theory]
    [InlineData("lstm", 4)]
    [InlineData("gru", 3)]
    public void InputMasksArePerGateOnlyWithRecurrentDropout(string kind, int gates)
    {
        var ones = Tensor.Ones(new Shape(Steps, Batch, Units), DType.Float32);
        foreach (var recurrent in new[] { 0.0, 0.3 })
        {
            RecurrentCellBase cell = kind == "lstm"
                ? Built(new LSTMCell(Units, dropout: 0.5, recurrentDropout: recurrent, seed: 3), gates)
                : Built(new GRUCell(Units, dropout: 0.5, recurrentDropout: recurrent, resetAfter: false, seed: 3), gates);
            var p = cell.ProjectInputs(ones, training: true).ToFloatArray();
            var first = Blocks(p, gates, 0);
            // The steps share the masks.
            for (int t = 1; t < Steps; t++) Assert.Equal(first[0], first[t]);
            Assert.Contains(false, first[0]);
            Assert.Contains(true, first[0]);
            bool allEqual = true;
            for (int g = 1; g < gates; g++) allEqual &= first[0].AsSpan().SequenceEqual(Blocks(p, gates, g)[0]);
            if (recurrent == 0) Assert.True(allEqual, $"{kind}: without recurrent_dropout all gates read one input mask");
            else Assert.False(allEqual, $"{kind}: with recurrent_dropout each gate reads its own input mask");
            // Inference draws nothing.
            Assert.DoesNotContain(0f, cell.ProjectInputs(ones, training: false).ToFloatArray());
        }
    }

    [Fact]
    public void LstmRecurrentMasksArePerGate()
    {
        // Zero projection, h = 1, c = 0, identity blocks: z_g = mask_g in {0, 2}; c = sigmoid(mask_i) * tanh(mask_c).
        // One shared mask gives c in {0, sigmoid(2) tanh(2)}; one per gate also gives 0.5 tanh(2) (input gate dropped,
        // candidate kept).
        var cell = Built(new LSTMCell(Units, recurrentDropout: 0.5, seed: 4), 4);
        var ones = Tensor.Ones(new Shape(1, Batch, Units), DType.Float32);
        cell.ProjectInputs(ones, training: true);
        var zero = Tensor.Zeros(new Shape(Batch, 4 * Units), DType.Float32);
        var r = cell.Step(zero, [Tensor.Ones(new Shape(Batch, Units), DType.Float32), Tensor.Zeros(new Shape(Batch, Units), DType.Float32)], training: true);
        var c = r[2].ToFloatArray();
        float mixed = 0.5f * MathF.Tanh(2);
        Assert.Contains(c, v => MathF.Abs(v - mixed) < 1e-5f);
        Assert.Contains(c, v => v == 0);
        Assert.Contains(c, v => MathF.Abs(v - 1 / (1 + MathF.Exp(-2)) * MathF.Tanh(2)) < 1e-5f);
    }

    [Fact]
    public void SimpleRnnKeepsOneMaskEach()
    {
        // SimpleRNN has one gate: one input mask and one recurrent mask (Keras's SimpleRNNCell has no mask count).
        var cell = new SimpleRNNCell(Units, dropout: 0.5, recurrentDropout: 0.5, seed: 2);
        cell.BuildCell(new Shape(Batch, Units));
        cell.Kernel!.Assign(IdentityBlocks(1));
        var p = cell.ProjectInputs(Tensor.Ones(new Shape(Steps, Batch, Units), DType.Float32), training: true).ToFloatArray();
        var blocks = Blocks(p, 1, 0);
        Assert.Equal(blocks[0], blocks[Steps - 1]);
        Assert.Contains(false, blocks[0]);
    }
}

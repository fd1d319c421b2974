using LayerGen.Layers;

namespace LayerGen.Tests;

/// <summary>
/// Issue 18's "zero allocation per planned run" for training: an <see cref="ExecutionPlan"/> of MultiHeadAttention's
/// (and the encoder block's) forward and backward pass allocates nothing once warm. Sizes large enough that the
/// products go over the fork-join pool and the weight gradients take the depth-split GEMM (depth batch×steps = 2048).
/// On failure the message names the steps that allocated (<see cref="ExecutionPlan.StepBytes"/>).
/// </summary>
public class PlannedAttentionAllocationTests
{
    private static ExecutionPlan ForwardBackward(Func<Tensor, Tensor> f, Func<Variable[]> variables, Tensor x)
    {
        // Builds on a small input: eager outputs at the planned size would fill the shared storage pool's idle
        // capacity (TensorStoragePoolTests run in parallel and expect their arrays to go back to it).
        f(new RandomGenerator(1).Normal([1, 4, x.Shape[^1]]));
        var vars = variables();
        return TensorFunction.Trace(xs =>
        {
            using var tape = new GradientTape();
            tape.Watch(xs[0]);
            var y = Ops.Sum(f(xs[0]));
            return [y, .. tape.Gradient(y, [xs[0], .. vars]).Select(g => g!)];
        }, 1).Plan(x.Spec);
    }

    private static void AssertAllocatesNothing(ExecutionPlan plan, Tensor x)
    {
        for (int i = 0; i < 3; i++) plan.RunAll(x);
        var bytes = new long[plan.StepCount];
        plan.StepBytes = bytes;
        for (int i = 0; i < 5; i++) plan.RunAll(x);
        plan.StepBytes = null;
        var offenders = Enumerable.Range(0, bytes.Length).Where(s => bytes[s] != 0)
            .Select(s => $"step {s} {plan.Steps[s].Op} ({plan.Steps[s].GetType().Name}): {bytes[s] / 5} B").ToList();
        Assert.True(offenders.Count == 0, "steps that allocate per run: " + string.Join("; ", offenders));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) plan.RunAll(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PlannedMultiHeadAttentionForwardBackwardAllocatesNothing()
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(40);
        var mha = new MultiHeadAttention(4, 16);
        var x = new RandomGenerator(41).Normal([8, 256, 64]);
        var plan = ForwardBackward(t => mha.Invoke(t, t), () => [.. mha.TrainableVariables], x);
        AssertAllocatesNothing(plan, x);
    }

    [Fact]
    public void PlannedEncoderBlockForwardBackwardAllocatesNothing()
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(42);
        var mha = new MultiHeadAttention(4, 8);
        LayerNormalization norm1 = new(epsilon: 1e-5), norm2 = new(epsilon: 1e-5);
        Dense ff1 = new(64, activation: "relu"), ff2 = new(32);
        Add add1 = new(), add2 = new();
        Tensor Block(Tensor t)
        {
            var h = norm1.Invoke(add1.Invoke([t, mha.Invoke(t, t)]));
            return norm2.Invoke(add2.Invoke([h, ff2.Invoke(ff1.Invoke(h))]));
        }
        Layer[] layers = [mha, norm1, norm2, ff1, ff2];
        var x = new RandomGenerator(43).Normal([8, 256, 32]);
        var plan = ForwardBackward(Block, () => [.. layers.SelectMany(l => l.TrainableVariables)], x);
        AssertAllocatesNothing(plan, x);
    }
}

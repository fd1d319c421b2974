using LayerGen.Graphs;

namespace LayerGen.Tests;

/// <summary>
/// The convnet's first block as a traced training computation: loss = Σ MaxPool2×2(ReLU(Conv3×3(x, w) + b)) · r and its
/// gradients with respect to w and b, planned for a batch of <c>size</c>×<c>size</c>×1 images. The plan-fusion tests
/// check that a plan of it gives the eager bits (<see cref="AssertPlannedEqualsEager"/>).
/// </summary>
internal sealed class ConvReluPoolCase
{
    private readonly RandomGenerator generator;
    private readonly int batch, size;
    private readonly Tensor firstInput;

    public ConvReluPoolCase(int seed, int batch, int size, int filters)
    {
        generator = new RandomGenerator(seed);
        this.batch = batch;
        this.size = size;
        var w = new Variable(generator.Normal([3, 3, 1, filters]) * 0.3f, name: "w");
        var b = new Variable(generator.Normal([filters]) * 0.1f, name: "b");
        int pooled = (size - 2) / 2;
        var r = generator.Normal([batch, pooled, pooled, filters]);
        LossAndGradients = x =>
        {
            using var tape = new GradientTape();
            var y = Ops.MaxPool(Ops.Relu(Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [1, 1]) + b), [2, 2], [2, 2], [0, 0, 0, 0]);
            var loss = Ops.Sum(y * r);
            var grads = tape.Gradient(loss, [w, b]);
            return [loss, grads[0]!, grads[1]!];
        };
        firstInput = generator.Normal([batch, size, size, 1]);
        Plan = TensorFunction.Trace(xs => LossAndGradients(xs[0]), 1).Plan(firstInput.Spec);
    }

    /// <summary>The eager loss, kernel gradient and bias gradient for a batch of images.</summary>
    public Func<Tensor, Tensor[]> LossAndGradients { get; }

    /// <summary>The traced computation planned for the case's batch.</summary>
    public ExecutionPlan Plan { get; }

    /// <summary>Three runs (the first input, then fresh ones): every planned output has the eager bits; no step allocates.</summary>
    public void AssertPlannedEqualsEager()
    {
        for (int run = 0; run < 3; run++)
        {
            var x = run == 0 ? firstInput : generator.Normal([batch, size, size, 1]);
            var eager = LossAndGradients(x);
            var planned = Plan.RunAll(x);
            for (int i = 0; i < eager.Length; i++)
                Assert.True(eager[i].AsBytes().SequenceEqual(planned[i].AsBytes()), $"output {i}, run {run}");
        }
        Assert.Empty(Plan.AllocatingSteps);
    }
}

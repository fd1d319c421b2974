using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 10's two small models with fixed weights, shared by every benchmark that runs them (SeedModelBenchmarks,
/// OnnxRuntimeBenchmarks, LayerGen.AotBench) so all measure the same weights: the seed model (Dense 3→3 relu,
/// Dense 3→2, batch 1) and an MLP 784-256-256-10 (ReLU, batch 128), drawn from <c>RandomGenerator(3)</c> in one order.
/// </summary>
public sealed class SmallModels
{
    private readonly Tensor _w1, _b1, _w2, _b2;
    private readonly Variable _mw1, _mb1, _mw2, _mb2, _mw3, _mb3;

    /// <summary>Draws the inputs and weights.</summary>
    public SmallModels()
    {
        var g = new RandomGenerator(3);
        SeedInput = g.Normal([1, 3]);
        _w1 = g.Normal([3, 3]);
        _b1 = g.Normal([3]);
        _w2 = g.Normal([3, 2]);
        _b2 = g.Normal([2]);
        MlpInput = g.Normal([128, 784]);
        MlpTarget = g.Normal([128, 10]);
        _mw1 = new Variable(g.Normal([784, 256]) * 0.03f, name: "w1");
        _mb1 = new Variable(Tensor.Zeros([256]), name: "b1");
        _mw2 = new Variable(g.Normal([256, 256]) * 0.06f, name: "w2");
        _mb2 = new Variable(Tensor.Zeros([256]), name: "b2");
        _mw3 = new Variable(g.Normal([256, 10]) * 0.06f, name: "w3");
        _mb3 = new Variable(Tensor.Zeros([10]), name: "b3");
    }

    /// <summary>The seed model's input, (1, 3).</summary>
    public Tensor SeedInput { get; }

    /// <summary>The MLP's input batch, (128, 784).</summary>
    public Tensor MlpInput { get; }

    /// <summary>Regression targets for the MLP's output, (128, 10).</summary>
    public Tensor MlpTarget { get; }

    /// <summary>The MLP's six variables.</summary>
    public Variable[] MlpVariables => [_mw1, _mb1, _mw2, _mb2, _mw3, _mb3];

    /// <summary>Floating-point operations of one MLP forward pass.</summary>
    public const double MlpFlops = 2.0 * 128 * (784 * 256 + 256 * 256 + 256 * 10);

    /// <summary>The seed model: <c>relu(x·W1 + b1)·W2 + b2</c>.</summary>
    public Tensor Seed(Tensor x) => Ops.MatMul(Ops.Relu(Ops.MatMul(x, _w1) + _b1), _w2) + _b2;

    /// <summary>The MLP 784-256-256-10.</summary>
    public Tensor Mlp(Tensor x) =>
        Ops.MatMul(Ops.Relu(Ops.MatMul(Ops.Relu(Ops.MatMul(x, _mw1) + _mb1), _mw2) + _mb2), _mw3) + _mb3;
}

using LayerGen.Layers;
namespace LayerGen.Tests.Layers;

/// <summary>Doubles its input in training mode; records the flag it saw.</summary>
[Layer]
public partial class Dropoutish
{
    public bool? LastTraining;
    public Dropoutish() => InputSpec = null;
    protected Tensor Call(Tensor x, bool training = false)
    {
        LastTraining = training;
        return training ? x * 2f : x;
    }
}

/// <summary>Calls an inner Dropoutish without passing training (it inherits the context).</summary>
[Layer]
public partial class Outer
{
    public readonly Dropoutish Inner = new();
    public Outer() => InputSpec = null;
    protected Tensor Call(Tensor x, bool training = true) => Inner.Invoke(x);
}

/// <summary>Two tensors, built from both shapes: <c>a @ w + b @ v</c>.</summary>
[Layer]
public partial class TwoInput
{
    readonly int units;
    Variable w = null!, v = null!;
    public Shape? BuiltA, BuiltB;
    public TwoInput(int units) => this.units = units;
    protected void Build(Shape aShape, Shape bShape)
    {
        BuiltA = aShape; BuiltB = bShape;
        w = AddWeight("w", [aShape[^1], units], Initializers.Ones());
        v = AddWeight("v", [bShape[^1], units], Initializers.Ones());
    }
    protected Tensor Call(Tensor a, Tensor b) => Ops.MatMul(a, w) + Ops.MatMul(b, v);
}

/// <summary>Adds <c>rate * sum(x)</c> as a loss; has a regularized weight and a non-trainable one.</summary>
[Layer]
public partial class LossyLayer
{
    readonly double rate;
    Variable k = null!, counter = null!;
    public LossyLayer(double rate) { this.rate = rate; InputSpec = null; }
    protected void Build(Shape inputShape)
    {
        counter = AddWeight("counter", [1], Initializers.Zeros(), trainable: false);
        k = AddWeight("k", [inputShape[^1]], Initializers.Ones(), regularizer: Regularizers.L2(0.5));
    }
    protected Tensor Call(Tensor x)
    {
        AddLoss(Ops.Sum(x) * (float)rate);
        return x * k;
    }
    public void AddLateWeight() => AddWeight("late", [1]);
}

public enum Mode { Plain, SamePadding }

/// <summary>Every kind of config value, and a nested layer.</summary>
[Layer]
public partial class ConfigZoo
{
    readonly int count; readonly long big; readonly float ratio; readonly double precise; readonly bool flag;
    readonly string label; readonly Mode mode; readonly int[] sizes; readonly List<string> tags; readonly Shape shape;
    readonly int? maybe; readonly ActivationFunction activation; readonly Initializer init; readonly Regularizer? reg;
    readonly Constraint? constraint; readonly Layer inner; readonly double alpha;
    public ConfigZoo(int count, long big, float ratio, double precise, bool flag, string label, Mode mode, int[] sizes,
        List<string> tags, Shape shape, int? maybe, ActivationFunction activation, Initializer init, Regularizer? reg,
        Constraint? constraint, Layer inner, double alpha = 0.5)
    {
        this.count = count; this.big = big; this.ratio = ratio; this.precise = precise; this.flag = flag; this.label = label;
        this.mode = mode; this.sizes = sizes; this.tags = tags; this.shape = shape; this.maybe = maybe; this.activation = activation;
        this.init = init; this.reg = reg; this.constraint = constraint; this.inner = inner; this.alpha = alpha;
    }
    public Layer InnerLayer => inner;
    protected Tensor Call(Tensor x) => x;
}

namespace LayerGen.LayerGeneration.Tests;

/// <summary>The guide's step 7 layer: weights created in <c>Build</c> from the first input's shape.</summary>
[Layer]
public partial class FlexibleDense
{
    readonly int outFeatures;
    Variable w = null!, b = null!;

    public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;

    /// <summary>How many times <c>Build</c> ran.</summary>
    public int BuildCount { get; private set; }

    protected void Build(Shape inputShape)
    {
        BuildCount++;
        w = AddWeight("w", [inputShape[^1], outFeatures], Initializers.RandomNormal());
        b = AddWeight("b", [outFeatures], Initializers.Zeros());
    }

    protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, w) + b;
}

/// <summary>The guide's step 8 subclassed model.</summary>
[Layer]
public partial class MySequentialModel : Model
{
    readonly FlexibleDense dense1 = new(3), dense2 = new(2);

    protected Tensor Call(Tensor x) => dense2.Invoke(dense1.Invoke(x));
}

public enum Blend { Add, MultiplyThenAdd }

/// <summary>Training flag, mask and other arguments; adds a loss.</summary>
[Layer]
public partial class Gate
{
    public Gate() { }

    /// <summary>The training flag the last call saw.</summary>
    public bool? LastTraining { get; private set; }

    protected Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null, double scale = 1.0, Blend blend = Blend.Add)
    {
        LastTraining = training;
        var scaled = inputs * scale;
        if (blend == Blend.MultiplyThenAdd) scaled = scaled * 2.0;
        if (mask is not null) scaled = scaled * mask;
        if (training) AddLoss(Ops.Sum(scaled));
        return training ? scaled + 1.0 : scaled;
    }
}

/// <summary>Two inputs with <c>Build(aShape, bShape)</c>.</summary>
[Layer]
public partial class Bilinear
{
    readonly int units;
    Variable wa = null!, wb = null!;

    public Bilinear(int units) => this.units = units;

    protected void Build(Shape aShape, Shape bShape)
    {
        wa = AddWeight("wa", [aShape[^1], units], Initializers.Ones());
        wb = AddWeight("wb", [bShape[^1], units], Initializers.Ones());
    }

    protected Tensor Call(Tensor a, Tensor b) => Ops.MatMul(a, wa) + Ops.MatMul(b, wb);
}

/// <summary>Returns two tensors.</summary>
[Layer]
public partial class TwoHeads
{
    protected Tensor[] Call(Tensor x) => [x * 2.0, x * 3.0];
}

/// <summary>Every kind of config value, read back from fields and properties.</summary>
[Layer]
public partial class Configured
{
    readonly int units;
    readonly float rate;
    private readonly string _label;
    public Blend Blend { get; }
    public Shape TargetShape { get; }
    public Shape? MaybeShape { get; }
    public int[] KernelSize { get; }
    public List<string> Tags { get; }
    public double? Cap { get; }
    public ActivationFunction Activation { get; }
    public Initializer? KernelInitializer { get; }
    public Regularizer? KernelRegularizer { get; }
    public Constraint? KernelConstraint { get; }
    public FlexibleDense Inner { get; }
    public List<FlexibleDense> Extra { get; }

    public Configured(int units, FlexibleDense inner, float rate = 0.5f, string label = "configured", Blend blend = Blend.MultiplyThenAdd,
        Shape targetShape = default, Shape? maybeShape = null, int[]? kernelSize = null, List<string>? tags = null, double? cap = null,
        ActivationFunction? activation = null, Initializer? kernelInitializer = null, Regularizer? kernelRegularizer = null,
        Constraint? kernelConstraint = null, List<FlexibleDense>? extra = null)
    {
        this.units = units;
        this.rate = rate;
        _label = label;
        Blend = blend;
        TargetShape = targetShape;
        MaybeShape = maybeShape;
        KernelSize = kernelSize ?? [3, 3];
        Tags = tags ?? [];
        Cap = cap;
        Activation = activation ?? ActivationFunction.Linear;
        KernelInitializer = kernelInitializer;
        KernelRegularizer = kernelRegularizer;
        KernelConstraint = kernelConstraint;
        Inner = inner;
        Extra = extra ?? [];
    }

    public int Units => units;
    public float Rate => rate;
    public string Label => _label;

    protected Tensor Call(Tensor x) => Activation.Call(Inner.Invoke(x) * rate);
}

#pragma warning disable LG0003 // on purpose: a constructor argument that is not kept
/// <summary>A constructor argument that is not kept: no config is generated (the analyzers report it).</summary>
[Layer]
public partial class Forgetful
{
    readonly int units;
    public Forgetful(int units, int seed) => this.units = units + seed * 0;
    protected Tensor Call(Tensor x) => x * units;
}
#pragma warning restore LG0003

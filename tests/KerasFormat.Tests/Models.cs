using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>A custom layer: y = x @ w + b.</summary>
[Layer]
public partial class ScaledDense
{
    readonly int units;
    Variable w = null!, b = null!;

    /// <summary>Creates the layer.</summary>
    public ScaledDense(int units) => this.units = units;

    /// <summary>Creates the weights.</summary>
    protected void Build(Shape inputShape)
    {
        w = AddWeight("w", [inputShape[^1], units], Initializers.RandomNormal());
        b = AddWeight("b", [units], Initializers.Zeros());
    }

    /// <summary>The affine map.</summary>
    protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, w) + b;
}

/// <summary>A subclassed model with named members and a list of layers.</summary>
[Layer]
public partial class TwoTowerModel : Model
{
    readonly Dense head = new(2);
    readonly ScaledDense body = new(4);
    readonly List<Dense> blocks = [new Dense(4, activation: "relu"), new Dense(4)];

    /// <summary>Creates the model.</summary>
    public TwoTowerModel() { }

    /// <summary>body, blocks, head.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = body.Invoke(inputs);
        foreach (var block in blocks) x = block.Invoke(x);
        return head.Invoke(x);
    }
}

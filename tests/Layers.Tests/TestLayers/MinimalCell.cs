namespace LayerGen.Layers.Tests;

/// <summary>A user's own recurrent cell: <c>h = tanh(x @ kernel + h @ recurrent_kernel)</c>, run by <see cref="RNN"/>.</summary>
[Layer]
public partial class MinimalCell : IRecurrentCell
{
    readonly int units;
    Variable kernel = null!, recurrentKernel = null!;

    /// <summary>Creates the cell.</summary>
    public MinimalCell(int units) => this.units = units;

    /// <inheritdoc/>
    public IReadOnlyList<int> StateSize => [units];

    /// <inheritdoc/>
    public int OutputSize => units;

    /// <inheritdoc/>
    public void BuildCell(Shape stepInputShape)
    {
        if (IsBuilt) return;
        BeginBuild();
        Build(stepInputShape);
        EndBuild(global::LayerGen.Layers.BuildConfig.ForInput(stepInputShape));
    }

    /// <summary>Creates the weights.</summary>
    protected void Build(Shape inputShape)
    {
        kernel = AddWeight("kernel", [inputShape[^1], units], Initializers.RandomNormal(0, 0.5, 1));
        recurrentKernel = AddWeight("recurrent_kernel", [units, units], Initializers.RandomNormal(0, 0.5, 2));
    }

    /// <inheritdoc/>
    public Tensor ProjectInputs(Tensor timeMajorInputs, bool training) => Ops.MatMul(timeMajorInputs, kernel);

    /// <inheritdoc/>
    public Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training)
    {
        var h = Ops.Tanh(Ops.Add(projectedStep, Ops.MatMul(states[0], recurrentKernel)));
        return [h, h];
    }

    /// <summary>One step from a zero state.</summary>
    protected Tensor Call(Tensor inputs) => Step(Ops.MatMul(inputs, kernel), [Tensor.Zeros(new Shape(1, units))], false)[0];
}

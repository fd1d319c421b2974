namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>StackedRNNCells</c>: several cells run one after the other at each step, the output of one being the
/// input of the next; its states are the cells' states in order and its output the last cell's. Run it with
/// <see cref="RNN"/>. The first cell's input projection covers all steps in one MatMul; the others project their
/// input step by step.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class StackedRNNCells : IRecurrentCell
{
    private readonly List<Layer> cells;

    /// <summary>Creates the stack.</summary>
    /// <param name="cells">The cells, each a layer implementing <see cref="IRecurrentCell"/>.</param>
    public StackedRNNCells(List<Layer> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0) throw new ArgumentException("StackedRNNCells needs at least one cell.", nameof(cells));
        foreach (var c in cells)
            if (c is not IRecurrentCell)
                throw new ArgumentException($"All cells must have a `call` method and a `state_size` attribute (implement {nameof(IRecurrentCell)}). Received cell: {c}", nameof(cells));
        this.cells = [.. cells];
    }

    /// <summary>The cells.</summary>
    public IReadOnlyList<Layer> Cells => cells;

    private IRecurrentCell At(int i) => (IRecurrentCell)cells[i];

    /// <summary>Every cell's state sizes, in order.</summary>
    public IReadOnlyList<int> StateSize => [.. cells.SelectMany(c => ((IRecurrentCell)c).StateSize)];

    /// <summary>The last cell's output size.</summary>
    public int OutputSize => At(cells.Count - 1).OutputSize;

    /// <summary>Builds each cell on the previous one's output size.</summary>
    public void BuildCell(Shape stepInputShape)
    {
        if (IsBuilt) return;
        BeginBuild();
        Build(stepInputShape);
        EndBuild(global::LayerGen.Layers.BuildConfig.ForInput(stepInputShape));
    }

    /// <summary>Builds the cells.</summary>
    protected void Build(Shape inputsShape)
    {
        var shape = inputsShape;
        for (int i = 0; i < cells.Count; i++)
        {
            At(i).BuildCell(shape);
            shape = new Shape(inputsShape[0], At(i).OutputSize);
        }
    }

    /// <inheritdoc/>
    public Tensor ProjectInputs(Tensor timeMajorInputs, bool training) => At(0).ProjectInputs(timeMajorInputs, training);

    /// <inheritdoc/>
    public Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training)
    {
        ArgumentNullException.ThrowIfNull(states);
        var output = projectedStep;
        var next = new List<Tensor>(states.Count);
        int s = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = At(i);
            int n = cell.StateSize.Count;
            var input = i == 0 ? projectedStep : Ops.Squeeze(cell.ProjectInputs(Ops.ExpandDims(output, 0), training), 0);
            var r = cell.Step(input, [.. states.Skip(s).Take(n)], training);
            output = r[0];
            next.AddRange(r[1..]);
            s += n;
        }
        return [output, .. next];
    }

    /// <summary>One step from zero states on <c>(batch, features)</c> inputs: the last cell's output.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        var zeros = StateSize.Select(n => Tensor.Zeros(new Shape(1, n), inputs.DType)).ToArray();
        return Step(Ops.Squeeze(ProjectInputs(Ops.ExpandDims(inputs, 0), training), 0), zeros, training)[0];
    }
}

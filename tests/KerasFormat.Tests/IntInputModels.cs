using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>An embedding-like custom layer: gathers rows of a weight table by int32 ids and sums them over the sequence.</summary>
[Layer]
public partial class TableLookup
{
    readonly int rows, width;
    Variable table = null!;

    /// <summary>Creates the layer.</summary>
    public TableLookup(int rows, int width)
    {
        this.rows = rows;
        this.width = width;
    }

    /// <summary>Creates the table.</summary>
    protected void Build(Shape inputShape) => table = AddWeight("table", [rows, width], Initializers.RandomNormal());

    /// <summary>The sum of the table rows at the ids.</summary>
    protected Tensor Call(Tensor ids) => Ops.Sum(Ops.Gather(table, ids), axis: 1);
}

namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Repeats the dataset <paramref name="count"/> times (null: forever), as <c>dataset.repeat</c>; each repetition is
    /// a new pass of what comes before (a new shuffle order). A repetition that yields nothing ends the dataset, so an
    /// empty dataset repeated forever is empty, not a hang. <c>Fit</c> on a dataset repeated forever needs
    /// <c>stepsPerEpoch</c>.
    /// </summary>
    public Dataset Repeat(int? count = null)
    {
        if (count is < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Repeat: count must be >= 0 (null repeats forever).");
        int cardinality = count is null ? (Cardinality == 0 ? 0 : InfiniteCardinality)
            : Cardinality < 0 ? Cardinality : (int)Math.Min(int.MaxValue, (long)Cardinality * count.Value);
        return Derive(() => Repeated(this, count), cardinality).Linked(Stage.Other, this, (d, _) => d.Repeat(count));
    }

    private static IEnumerable<DataBatch> Repeated(Dataset source, int? count)
    {
        for (long pass = 0; count is null || pass < count; pass++)
        {
            bool any = false;
            foreach (var element in source)
            {
                any = true;
                yield return element;
            }
            if (!any) yield break;
        }
    }
}

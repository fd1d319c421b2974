using LayerGen.Training;

namespace LayerGen.Tests.Datasets;

/// <summary>
/// <see cref="Dataset.Distribute"/> without MPI: for every rank count and pipeline, batch k of the ranks together is
/// batch k of one process (disjoint parts, a batch with fewer rows than ranks whole on each and marked replicated),
/// the split is made below the Maps (each rank maps only its elements), shuffles take the agreed seed, and a dataset
/// sharded by hand or with <see cref="AutoShardPolicy.Off"/> is left to the rank.
/// </summary>
public class DatasetDistributeTests
{
    private static Tensor Ids(int n) => Tensor.From<float>([.. Enumerable.Range(0, n).Select(i => (float)i)], [n, 1]);

    private static List<int[]> Batches(Dataset d) => [.. d.Select(b => b.X.ToFloatArray().Select(v => (int)v).ToArray())];

    [Theory]
    [InlineData(22, 8, false, 2)]
    [InlineData(22, 8, false, 3)]
    [InlineData(17, 8, false, 2)]  // a last batch of 1 row for 2 ranks
    [InlineData(18, 8, false, 4)]  // 2 rows for 4 ranks
    [InlineData(22, 8, true, 3)]   // the remainder dropped
    [InlineData(22, 2, false, 3)]  // every batch smaller than the ranks
    public void TheRanksBatchesTogetherAreOneProcesssBatches(int rows, int batch, bool drop, int ranks)
    {
        int maps = 0;
        Dataset Make(long seed) => Dataset.FromTensors(Ids(rows)).Shuffle(rows, seed: seed)
            .Map(e => { Interlocked.Increment(ref maps); return e; }, numParallelCalls: 2).Batch(batch, drop).Prefetch(2);
        var single = Batches(Make(3));
        maps = 0;
        var perRank = new List<List<int[]>>();
        var replicated = new List<bool[]>();
        for (int r = 0; r < ranks; r++)
        {
            var rankData = Make(100 + r).Distribute(r, ranks, _ => 3); // each rank its own seed; the agreed one is 3
            Assert.True(rankData.LocalBatches);
            Assert.Equal(AutoShardPolicy.Data, rankData.Policy);
            Assert.Equal(single.Count, rankData.Data.Cardinality);
            var pass = rankData.Data.ToList(); // one pass
            perRank.Add([.. pass.Select(b => b.X.ToFloatArray().Select(v => (int)v).ToArray())]);
            replicated.Add([.. pass.Select(b => b.Replicated)]);
        }
        int expectedMaps = 0;
        for (int k = 0; k < single.Count; k++)
        {
            bool small = single[k].Length < ranks;
            for (int r = 0; r < ranks; r++)
            {
                Assert.Equal(single.Count, perRank[r].Count);
                Assert.Equal(small, replicated[r][k]);
                if (small) Assert.Equal(single[k], perRank[r][k]);
            }
            if (!small) Assert.Equal(single[k], perRank.SelectMany(p => p[k]).ToArray()); // disjoint, in order, covering the batch
            expectedMaps += small ? ranks * single[k].Length : single[k].Length;
        }
        Assert.Equal(expectedMaps, maps); // each rank mapped its own elements only (dropped rows are read, not mapped)
    }

    [Fact]
    public void RowsOfTensorsAndPassesOfUnknownLengthAreSplitByTheTrainer()
    {
        var tensors = Dataset.FromTensors(Ids(10)).Shuffle(seed: 4).Batch(4).Distribute(1, 2, s => s);
        Assert.False(tensors.LocalBatches); // batched by slicing: nothing to save at the source
        Assert.Equal(Batches(Dataset.FromTensors(Ids(10)).Shuffle(seed: 4).Batch(4)), Batches(tensors.Data));
        var generated = Dataset.FromGenerator(() => Enumerable.Range(0, 10).Select(i => new DataBatch(Tensor.From<float>([i], [1]), null, null)))
            .Map(e => e).Batch(4).Distribute(1, 2, s => s);
        Assert.False(generated.LocalBatches); // the last batch's size is not known before the pass
        Assert.Equal(3, Batches(generated.Data).Count);
    }

    [Fact]
    public void ADatasetShardedByHandOrWithThePolicyOffIsTheRanksOwn()
    {
        var byHand = Dataset.FromTensors(Ids(10)).Shard(2, 1).Batch(4).Distribute(1, 2, s => s);
        Assert.True(byHand.LocalBatches);
        Assert.Equal(AutoShardPolicy.Off, byHand.Policy);
        Assert.Equal([[1, 3, 5, 7], [9]], Batches(byHand.Data)); // not split again
        var off = Dataset.FromTensors(Ids(6)).Map(e => e).Batch(4).WithAutoShardPolicy(AutoShardPolicy.Off).Distribute(1, 2, s => s);
        Assert.Equal(AutoShardPolicy.Off, off.Policy);
        Assert.Equal([[0, 1, 2, 3], [4, 5]], Batches(off.Data));
    }

    [Fact]
    public void SeveralFilesAreSplitByFileAndTooFewAreRefusedForThePolicyFile()
    {
        var parts = Enumerable.Range(0, 4).Select(f => $"part{f}").ToList();
        Dataset Read(string name) => Dataset.FromTensors(Tensor.From<float>([.. Enumerable.Range(0, 3).Select(i => (float)(int.Parse(name[4..], System.Globalization.CultureInfo.InvariantCulture) * 10 + i))], [3, 1]));
        var files = Dataset.FromFiles(parts, Read);
        Assert.Equal(12, files.Cardinality);
        var rank1 = files.Map(e => e).Batch(4).Distribute(1, 2, s => s);
        Assert.Equal(AutoShardPolicy.File, rank1.Policy);
        Assert.True(rank1.LocalBatches);
        Assert.Equal([[10, 11], [12, 30], [31, 32]], Batches(rank1.Data)); // files 1 and 3, its 2 rows of each global batch of 4
        var data = files.Batch(4).WithAutoShardPolicy(AutoShardPolicy.Data).Distribute(1, 2, s => s);
        Assert.Equal(AutoShardPolicy.Data, data.Policy);
        Assert.Equal([[2, 10], [20, 21], [31, 32]], Batches(data.Data)); // rows 2-3 of each global batch of 4, every file read
        var tooFew = Assert.Throws<ArgumentException>(() => files.Batch(4).WithAutoShardPolicy(AutoShardPolicy.File).Distribute(0, 5, s => s));
        Assert.Contains("at least one file per rank (5 ranks, 4 files)", tooFew.Message, StringComparison.Ordinal);
    }
}

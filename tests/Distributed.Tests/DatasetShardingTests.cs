using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Distributed.Tests;

/// <summary>
/// <c>Fit</c> and <c>Evaluate</c> on a streamed <see cref="Dataset"/> under <c>mpirun</c> (the helper's <c>shard</c> mode):
/// each rank trains on a disjoint part of every global batch, the ranks' parts together are one process's batch, each rank
/// maps only its own elements, and the weights and logs are one process's; a dataset sharded by hand is not split again,
/// <see cref="AutoShardPolicy.Off"/> leaves every rank its data, several files are split by file, and several inputs and
/// targets train, evaluate and predict as in one process.
/// </summary>
public class DatasetShardingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private sealed record RankRun(List<int[]> Steps, int Maps, double Loss, double Evaluate, string? Predict);

    private static RankRun Read(string file)
    {
        var lines = File.ReadAllLines(file);
        double Value(string key) => double.Parse(lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..], CultureInfo.InvariantCulture);
        var steps = lines.Where(l => l.StartsWith("step ", StringComparison.Ordinal))
            .Select(l => l.Split(' ').Skip(2).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return new RankRun(steps, (int)Value("maps"), Value("loss"), Value("evaluate"), lines.SingleOrDefault(l => l.StartsWith("predict ", StringComparison.Ordinal)));
    }

    private (RankRun Single, RankRun[] Ranks, float[] SingleWeights, float[] Weights) Run(string kind, int rows, int ranks)
    {
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single"), distributed = Path.Combine(dir.Path, "mpi");
        string n = rows.ToString(CultureInfo.InvariantCulture);
        var one = MpiRun.Helper(0, Timeout, null, "shard", kind, n, single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(ranks, Timeout, null, "shard", kind, n, distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        static float[] Weights(string f) => [.. File.ReadAllLines(f).Select(s => float.Parse(s, CultureInfo.InvariantCulture))];
        return (Read(single + ".0"), [.. Enumerable.Range(0, ranks).Select(r => Read($"{distributed}.{r}"))], Weights(single + ".weights"), Weights(distributed + ".weights"));
    }

    private static double Worst(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1, Math.Abs(a[i])));
        return worst;
    }

    private static void CloseTo(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} against one process's {expected:R}");

    [Theory]
    [InlineData("map", 22, 2)]     // Map then Batch(8), no shuffle: batches 8, 8, 6
    [InlineData("map", 17, 2)]     // a last batch of 1 row for 2 ranks: whole on each, counted once in the logs
    [InlineData("shuffle", 22, 2)] // Shuffle(64, seed 7 + rank): the ranks agree on rank 0's seed
    [InlineData("map", 22, 4)]
    public void EachRankTrainsOnItsPartOfEveryGlobalBatchAndTheResultIsOneProcesss(string kind, int rows, int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank, singleWeights, weights) = Run(kind, rows, ranks);
        int replicatedRows = 0;
        for (int k = 0; k < single.Steps.Count; k++)
        {
            foreach (var rank in perRank) Assert.Equal(single.Steps.Count, rank.Steps.Count);
            if (single.Steps[k].Length < ranks) // fewer rows than ranks: every rank trains the whole batch (weighted 1/N)
            {
                foreach (var rank in perRank) Assert.Equal(single.Steps[k], rank.Steps[k]);
                replicatedRows += single.Steps[k].Length;
                continue;
            }
            var all = perRank.SelectMany(r => r.Steps[k]).ToArray();
            Assert.Equal(all.Length, all.Distinct().Count()); // disjoint
            Assert.Equal(single.Steps[k].Order(), all.Order()); // together: one process's batch k
        }
        // Each rank mapped only its own elements (2 epochs and an evaluation): together, one process's map calls.
        Assert.Equal(single.Maps + (ranks - 1) * replicatedRows * 3 / 2, perRank.Sum(r => r.Maps));
        Assert.All(perRank, r => Assert.True(r.Maps < single.Maps, $"a rank mapped {r.Maps} elements, one process {single.Maps}"));
        double worst = Worst(singleWeights, weights);
        Console.WriteLine($"shard {kind} {rows} rows {ranks} ranks: weights {worst:G3} from one process's, loss {perRank[0].Loss:R} against {single.Loss:R}");
        Assert.True(worst < 1e-5, $"the weights ended {worst:G3} away from one process's");
        foreach (var rank in perRank)
        {
            CloseTo(single.Loss, rank.Loss, "the last epoch's loss log");
            CloseTo(single.Evaluate, rank.Evaluate, "Evaluate's loss");
        }
    }

    [Fact]
    public void ADatasetShardedByHandIsNotSplitAgain()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (_, perRank, _, _) = Run("handshard", 20, 2);
        for (int r = 0; r < 2; r++)
        {
            var epoch = perRank[r].Steps.Take(3).ToList();
            Assert.Equal([4, 4, 2], epoch.Select(s => s.Length)); // Batch(4) of its 10 rows: the rank's own batches
            Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 2 == r), epoch.SelectMany(s => s));
        }
    }

    [Fact]
    public void WithThePolicyOffEveryRankTrainsOnAllItsData()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank, _, _) = Run("off", 20, 2);
        foreach (var rank in perRank)
        {
            Assert.Equal(single.Steps, rank.Steps);
            Assert.Equal(single.Maps, rank.Maps);
        }
    }

    [Fact]
    public void SeveralFilesAreSplitByFile()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (_, perRank, _, _) = Run("files", 20, 2); // 4 files of 5 rows; global batch 4: 2 rows per rank
        for (int r = 0; r < 2; r++)
        {
            var epoch = perRank[r].Steps.Take(5).ToList();
            Assert.All(epoch, s => Assert.Equal(2, s.Length));
            Assert.Equal(Enumerable.Range(0, 20).Where(i => i / 5 % 2 == r), epoch.SelectMany(s => s)); // files r and r + 2
            Assert.Equal(30, perRank[r].Maps); // its 10 rows, 3 passes
        }
    }

    [Fact]
    public void SeveralInputsAndTargetsTrainEvaluateAndPredictAsOneProcess()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank, singleWeights, weights) = Run("parts", 22, 2);
        double worst = Worst(singleWeights, weights);
        Console.WriteLine($"shard parts 22 rows 2 ranks: weights {worst:G3} from one process's");
        Assert.True(worst < 1e-5, $"the weights ended {worst:G3} away from one process's");
        Assert.Equal(single.Maps, perRank.Sum(r => r.Maps));
        foreach (var rank in perRank)
        {
            CloseTo(single.Loss, rank.Loss, "the last epoch's loss log");
            CloseTo(single.Evaluate, rank.Evaluate, "Evaluate's loss");
            var expected = single.Predict!.Split(' ').Skip(1).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var actual = rank.Predict!.Split(' ').Skip(1).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(Worst(expected, actual) < 1e-5, "PredictOutputs differs from one process's");
        }
    }

    [Fact]
    public void SeveralInputArraysAreSplitByRankAsADatasetIs()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank, singleWeights, weights) = Run("partsarrays", 22, 2); // batches 8, 8, 6 in order
        Assert.Equal(6, single.Steps.Count);
        for (int k = 0; k < single.Steps.Count; k++)
        {
            var parts = perRank.Select(r => r.Steps[k]).ToArray();
            Assert.Empty(parts[0].Intersect(parts[1]));
            Assert.Equal(single.Steps[k], parts[0].Concat(parts[1]));
        }
        double worst = Worst(singleWeights, weights);
        Assert.True(worst < 1e-5, $"the weights ended {worst:G3} away from one process's");
        foreach (var rank in perRank)
        {
            CloseTo(single.Loss, rank.Loss, "the last epoch's loss log");
            CloseTo(single.Evaluate, rank.Evaluate, "Evaluate's loss");
        }
    }

    [Fact]
    public void ATapeLoopOverlappedThroughStrategyGradientGivesTheBitsOfTheBlockingOne()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string on = Path.Combine(dir.Path, "on.txt"), off = Path.Combine(dir.Path, "off.txt");
        var overlapped = MpiRun.Helper(2, Timeout, null, "tapeoverlap", "on", on);
        output.WriteLine(overlapped.Output);
        Assert.True(overlapped.ExitCode == 0, overlapped.Output);
        Assert.Contains("rank 0: overlap True", overlapped.Output, StringComparison.Ordinal);
        var blocking = MpiRun.Helper(2, Timeout, null, "tapeoverlap", "off", off);
        Assert.True(blocking.ExitCode == 0, blocking.Output);
        Assert.Contains("rank 0: overlap False", blocking.Output, StringComparison.Ordinal);
        var a = File.ReadAllLines(on);
        Assert.Equal(6 * 32 + 32 + 32 * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2, a.Length);
        Assert.Equal(File.ReadAllLines(off), a);
    }
}

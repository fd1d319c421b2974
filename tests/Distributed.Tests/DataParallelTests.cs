using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Distributed.Tests;

/// <summary>
/// Data-parallel training under <c>mpirun</c> (tests/Distributed.MpiHelper): N ranks with per-rank batch B/N end
/// with the weights one process reaches with batch B; ranks that disagree on the model fail at the first
/// broadcast; a killed rank stops the job in bounded time. Each test skips with a message when mpirun is absent.
/// </summary>
public class DataParallelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    [Theory]
    [InlineData("fit", "sgd", 2)]
    [InlineData("fit", "adam", 2)]
    [InlineData("tape", "sgd", 2)]
    [InlineData("tape", "adam", 2)]
    [InlineData("fit", "sgd", 4)]
    [InlineData("fit", "adam", 4)]
    public void RanksTrainToTheWeightsOfOneProcessWithTheGlobalBatch(string loop, string optimizer, int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single.txt"), distributed = Path.Combine(dir.Path, "distributed.txt");
        var one = MpiRun.Helper(0, Timeout, null, "train", loop, optimizer, single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(ranks, Timeout, null, "train", loop, optimizer, distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        var a = File.ReadAllLines(single).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var b = File.ReadAllLines(distributed).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Length > 100);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1, Math.Abs(a[i])));
        output.WriteLine($"largest difference after 20 steps: {worst:G3}");
        Assert.True(worst < 1e-5, $"{ranks} ranks ended {worst:G3} away from one process (float32 round-off is ~1e-7).");
        // The ranks really started apart (seeded by rank) and were not trained alone: a run without the broadcast
        // would differ by the whole initialisation, far above the bound.
    }

    [Theory]
    [InlineData("fit", "sgd", 2)]
    [InlineData("tape", "sgd", 2)]
    [InlineData("fit", "adam", 4)]
    public void SynchronizedBatchNormalizationTrainsToTheWeightsAndMovingStatisticsOfOneProcess(string loop, string optimizer, int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank) = TrainBatchNorm("sync", loop, optimizer, ranks);
        // Trainable weights and the moving statistics (non-trainable: 2 x 16 values) alike.
        double worst = Worst(single, perRank[0]);
        output.WriteLine($"largest difference after 20 steps: {worst:G3}");
        Console.WriteLine($"synchronized BatchNormalization, {loop} {optimizer} {ranks} ranks: largest difference {worst:G3}");
        Assert.True(worst < 1e-5, $"{ranks} ranks with a synchronized BatchNormalization ended {worst:G3} away from one process.");
        for (int r = 1; r < ranks; r++)
            Assert.Equal(perRank[0], perRank[r]); // the moving statistics are the same bits on every rank
        if (loop == "fit") Assert.Contains("rank 0: traced 1 step(s), trace failure: none", _lastOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainBatchNormalizationKeepsPerRankStatistics()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var (single, perRank) = TrainBatchNorm("plain", "fit", "sgd", 2);
        double worst = Worst(single, perRank[0]);
        output.WriteLine($"largest difference after 20 steps: {worst:G3}");
        // Each rank normalises its 4 rows with their own mean and variance: not what one process with 8 rows does,
        Console.WriteLine($"plain BatchNormalization, 2 ranks: largest difference {worst:G3}");
        Assert.True(worst > 1e-3, $"plain BatchNormalization on 2 ranks ended only {worst:G3} away from one process.");
        // and each rank's moving statistics follow its own rows.
        Assert.NotEqual(perRank[0], perRank[1]);
    }

    private (float[] Single, float[][] PerRank) TrainBatchNorm(string kind, string loop, string optimizer, int ranks)
    {
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single"), distributed = Path.Combine(dir.Path, "distributed");
        var one = MpiRun.Helper(0, Timeout, null, "bn", kind, loop, optimizer, single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(ranks, Timeout, null, "bn", kind, loop, optimizer, distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        _lastOutput = many.Output;
        static float[] Read(string f) => File.ReadAllLines(f).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var a = Read(single + ".0");
        Assert.Equal(6 * 16 + 4 * 16 + 16 * 2 + 2, a.Length); // dense (no bias), batch_normalization (gamma, beta, moving mean and variance), dense_1
        return (a, [.. Enumerable.Range(0, ranks).Select(r => Read($"{distributed}.{r}"))]);
    }

    private string _lastOutput = "";

    private static double Worst(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1, Math.Abs(a[i])));
        return worst;
    }

    [Theory]
    [InlineData("fit", 2)]
    [InlineData("eager", 2)]
    [InlineData("fit", 4)]
    public void AllReducesOverlappedWithTheBackwardPassGiveTheSameBits(string loop, int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string on = Path.Combine(dir.Path, "on.txt"), off = Path.Combine(dir.Path, "off.txt");
        var overlapped = MpiRun.Helper(ranks, Timeout, null, "overlap", "on", loop, on);
        output.WriteLine(overlapped.Output);
        Assert.True(overlapped.ExitCode == 0, overlapped.Output);
        Assert.Contains("rank 0: overlap True", overlapped.Output, StringComparison.Ordinal);
        Assert.Contains(loop == "fit" ? "traced 1, trace failure: none" : "traced 0", overlapped.Output, StringComparison.Ordinal);
        var blocking = MpiRun.Helper(ranks, Timeout, null, "overlap", "off", loop, off);
        Assert.True(blocking.ExitCode == 0, blocking.Output);
        Assert.Contains("rank 0: overlap False", blocking.Output, StringComparison.Ordinal);
        var a = File.ReadAllLines(on);
        Assert.Equal(6 * 32 + 32 + 32 * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2, a.Length);
        Assert.Equal(File.ReadAllLines(off), a); // the same buckets, summed by the same calls: the same bits
    }

    [Theory]
    [InlineData(11, 2)] // batches 4, 4, 3: the last splits 2 and 1; the loss log weights the ranks by their rows
    [InlineData(9, 2)]  // the last batch has 1 row for 2 ranks: trained whole on both, not skipped, counted once in the log
    [InlineData(10, 4)] // 2 rows for 4 ranks
    public void AShorterLastBatchIsTrainedAndTheLogsAreWeightedByRows(int rows, int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single.txt"), distributed = Path.Combine(dir.Path, "distributed.txt");
        var one = MpiRun.Helper(0, Timeout, null, "rows", rows.ToString(CultureInfo.InvariantCulture), single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(ranks, Timeout, null, "rows", rows.ToString(CultureInfo.InvariantCulture), distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        int steps = 2 * ((rows + 3) / 4);
        Assert.Contains($"rank {ranks - 1}: {steps} steps", many.Output, StringComparison.Ordinal); // no batch skipped
        var a = File.ReadAllLines(single).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var b = File.ReadAllLines(distributed).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length - 1; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1, Math.Abs(a[i])));
        double loss = Math.Abs(a[^1] - b[^1]) / a[^1];
        Console.WriteLine($"{rows} rows, {ranks} ranks: weights {worst:G3} apart, loss log {a[^1]:G6} against {b[^1]:G6}");
        Assert.True(worst < 1e-5, $"the weights ended {worst:G3} away from one process");
        // Uneven parts: the rows-weighted mean is the one process's mean (a plain average of the ranks' would be off by
        // ~1e-2). Fewer rows than ranks: every rank's running loss holds the whole batch; the strategy counts it once.
        Assert.True(loss < 1e-5, $"the loss log is {loss:G3} (relative) away from one process's");
    }

    [Fact]
    public void RanksThatDisagreeOnTheModelFailAtTheFirstBroadcast()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var run = MpiRun.Helper(2, Timeout, null, "mismatch");
        output.WriteLine(run.Output);
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("NO ERROR", run.Output, StringComparison.Ordinal);
        foreach (int rank in (int[])[0, 1])
            Assert.Contains($"rank {rank}: MISMATCH The ranks disagree on the model at the first broadcast of its variables (variable #0): "
                + "rank 0 has variable \"layers/dense/kernel\" of shape (6, 8) float32 but rank 1 has variable \"layers/dense/kernel\" of shape (6, 9) float32",
                run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AKilledRankStopsTheJobInBoundedTime()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        var run = MpiRun.Helper(2, Timeout, null, "kill");
        output.WriteLine($"stopped after {run.Elapsed.TotalSeconds:F1} s with exit code {run.ExitCode}");
        output.WriteLine(run.Output);
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("rank 0 FINISHED", run.Output, StringComparison.Ordinal);
        Assert.Contains("rank 0 step 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("process rank 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("signal 9", run.Output, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), $"The job took {run.Elapsed.TotalSeconds:F0} s to stop after a rank died.");
    }

    [Fact]
    public void AfterAKilledRankTheJobResumesFromTheLastCheckpointToTheWeightsOfAnUninterruptedRun()
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string full = Path.Combine(dir.Path, "full.txt"), resumed = Path.Combine(dir.Path, "resumed.txt");
        var uninterrupted = MpiRun.Helper(2, Timeout, null, "resume", "full", Path.Combine(dir.Path, "ckpt-full"), full);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output);
        Assert.Contains("rank 1: FINISHED after 40 steps", uninterrupted.Output, StringComparison.Ordinal);

        // Rank 1 dies at step 25, in epoch 3, after rank 0 saved the checkpoints of epochs 1 and 2: the job stops.
        string checkpoints = Path.Combine(dir.Path, "ckpt");
        var killed = MpiRun.Helper(2, Timeout, null, "resume", "killed", checkpoints, Path.Combine(dir.Path, "never.txt"));
        output.WriteLine(killed.Output);
        Assert.NotEqual(0, killed.ExitCode);
        Assert.Contains("signal 9", killed.Output, StringComparison.Ordinal);
        Assert.Contains("rank 0: epoch 2 saved", killed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FINISHED", killed.Output, StringComparison.Ordinal);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60), $"The job took {killed.Elapsed.TotalSeconds:F0} s to stop after a rank died.");

        // The restarted job restores the latest checkpoint (intact: it restores with every value consumed) on every
        // rank and trains epochs 3 and 4: the same weights as the run that was never interrupted, bit for bit.
        var restart = MpiRun.Helper(2, Timeout, null, "resume", "resumed", checkpoints, resumed);
        output.WriteLine(restart.Output);
        Assert.True(restart.ExitCode == 0, restart.Output);
        Assert.Contains("after 20 steps, epoch 2", restart.Output, StringComparison.Ordinal);
        Assert.Contains("rank 1: FINISHED after 40 steps", restart.Output, StringComparison.Ordinal);
        var a = File.ReadAllLines(full);
        Assert.True(a.Length > 100);
        Assert.Equal(a, File.ReadAllLines(resumed));
    }

    [Fact]
    public void WithoutMpiTheStrategyNamesThePackagesAndOneProcessStillTrains()
    {
        var run = MpiRun.Helper(0, Timeout, new Dictionary<string, string> { ["LAYERGEN_MPI_LIBRARY"] = "/nonexistent/libmpi.so.40" }, "nompi");
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("NOT AVAILABLE Distributed training needs MPI, but no Open MPI library was found (tried /nonexistent/libmpi.so.40).", run.Output, StringComparison.Ordinal);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", run.Output, StringComparison.Ordinal);
        Assert.Contains("SINGLE OK", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictSplitsEachBatchAndEveryRankGetsAllOutputsInOrder(int ranks)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single"), distributed = Path.Combine(dir.Path, "distributed");
        var one = MpiRun.Helper(0, Timeout, null, "predict", single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(ranks, Timeout, null, "predict", distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        var expected = File.ReadAllLines(single + ".0");
        Assert.Equal(37 * 2, expected.Length);
        // Each rank started from its own random weights: Predict broadcasts rank 0's, and the gathered rows are
        // those of one process (a row's output does not depend on which rows share its batch).
        for (int rank = 0; rank < ranks; rank++)
            Assert.Equal(expected, File.ReadAllLines($"{distributed}.{rank}"));
    }

    [Theory]
    [InlineData(1, "all")]
    [InlineData(3, "all")]
    [InlineData(3, "chief")]
    public void ACheckpointWrittenByTwoRanksRestoresOnAnotherNumberOfRanks(int ranks, string who)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string prefix = Path.Combine(dir.Path, "ckpt");
        var write = MpiRun.Helper(2, Timeout, null, "ckptwrite", prefix);
        output.WriteLine(write.Output);
        Assert.True(write.ExitCode == 0, write.Output);
        var written = System.Text.RegularExpressions.Regex.Match(write.Output, @"rank 0 of 2: wrote (\d+ variables, checksum [0-9a-f]{16})");
        Assert.True(written.Success, write.Output);
        Assert.Contains($"rank 1 of 2: wrote {written.Groups[1].Value}", write.Output, StringComparison.Ordinal);
        Assert.StartsWith("14 variables", written.Groups[1].Value, StringComparison.Ordinal); // 4 weights + the optimizer's iterations, learning rate and 8 slots

        var restore = MpiRun.Helper(ranks, Timeout, null, "ckptrestore", prefix, who);
        output.WriteLine(restore.Output);
        Assert.True(restore.ExitCode == 0, restore.Output);
        for (int rank = 0; rank < ranks; rank++)
            Assert.Contains($"rank {rank} of {ranks}: restored {written.Groups[1].Value}", restore.Output, StringComparison.Ordinal);
    }
}

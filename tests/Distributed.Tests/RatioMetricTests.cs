using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Distributed.Tests;

/// <summary>
/// Ratio metrics under <c>mpirun</c>: Precision, Recall and AUC are not means over rows, so the strategy sums their
/// states (true/false positives/negatives) over the ranks before computing them. Two ranks whose parts have very
/// different positive rates must report the Fit and Evaluate logs of one process; the old row-weighted average of the
/// ranks' own values is shown to be far off.
/// </summary>
public class RatioMetricTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    // 64 rows: every batch of 8 splits 4/4. 65 rows: the last batch has one row, which both ranks get whole.
    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    public void PrecisionRecallAndAucAreComputedFromStatesSummedOverRanks(int rows)
    {
        if (MpiRun.MpirunPath is null) { output.WriteLine(MpiRun.SkipMessage); return; }
        using var dir = new TempDir();
        string single = Path.Combine(dir.Path, "single"), distributed = Path.Combine(dir.Path, "distributed");
        string n = rows.ToString(CultureInfo.InvariantCulture);
        var one = MpiRun.Helper(0, Timeout, null, "ratio", n, single, "single");
        Assert.True(one.ExitCode == 0, one.Output);
        var many = MpiRun.Helper(2, Timeout, null, "ratio", n, distributed, "mpi");
        output.WriteLine(many.Output);
        Assert.True(many.ExitCode == 0, many.Output);
        var a = Read(single + ".0");
        var r0 = Read(distributed + ".0");
        var r1 = Read(distributed + ".1");
        foreach (var key in (string[])["loss", "precision", "recall", "auc", "accuracy"])
            foreach (var phase in (string[])["fit/", "eval/"])
            {
                double expected = a[phase + key];
                foreach (var r in (Dictionary<string, double>[])[r0, r1])
                {
                    double got = r[phase + key];
                    output.WriteLine($"{phase}{key}: one process {expected:G9}, 2 ranks {got:G9}");
                    Assert.True(Math.Abs(got - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{phase}{key}: 2 ranks report {got:R}, one process {expected:R}");
                }
            }
        // What the old reduction (every value averaged over the ranks, weighted by rows: equal here; with 65 rows the
        // replicated last row is in both ranks' own values) would have reported for Evaluate: far from the global value.
        double largest = 0;
        foreach (var key in (string[])["precision", "recall", "auc"])
        {
            double averaged = (r0["local/" + key] + r1["local/" + key]) / 2;
            double off = Math.Abs(averaged - a["eval/" + key]);
            output.WriteLine($"{key}: ranks' own {r0["local/" + key]:G6} and {r1["local/" + key]:G6}, averaged {averaged:G6}, global {a["eval/" + key]:G6}");
            Assert.True(off > 0.02, $"the data does not separate the averaged {key} ({averaged:G6}) from the global one ({a["eval/" + key]:G6})");
            largest = Math.Max(largest, off);
        }
        Assert.True(largest > 0.2, $"the averaged ratio metrics are at most {largest:G3} from the global ones");
    }

    private static Dictionary<string, double> Read(string path)
        => File.ReadAllLines(path).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
}

using LayerGen.Metrics;

namespace LayerGen.Tests;

/// <summary>
/// The summable state of ratio metrics (what a data-parallel strategy all-reduces): the result of two replicas'
/// summed counts is the result on all their rows, and computing it leaves the replica's own running counts as they were.
/// </summary>
public class SummedMetricStateTests
{
    [Fact]
    public void TheResultOfSummedCountsIsTheGlobalOneAndLeavesTheOwnStateAlone()
    {
        var yA = Tensor.From<float>([1, 1, 1, 0], [4, 1]);
        var pA = Tensor.From<float>([0.9f, 0.8f, 0.2f, 0.7f], [4, 1]);
        var yB = Tensor.From<float>([0, 0, 0, 1], [4, 1]);
        var pB = Tensor.From<float>([0.6f, 0.7f, 0.8f, 0.9f], [4, 1]);
        foreach (var (a, b, all) in (ValueTuple<Metric, Metric, Metric>[])[(new Precision(), new Precision(), new Precision()), (new Recall(), new Recall(), new Recall()), (new AUC(numThresholds: 7), new AUC(numThresholds: 7), new AUC(numThresholds: 7))])
        {
            a.UpdateState(yA, pA);
            b.UpdateState(yB, pB);
            all.UpdateState(yA, pA);
            all.UpdateState(yB, pB);
            Assert.True(a.SummableStateLength > 0);
            var sa = new double[a.SummableStateLength];
            var sb = new double[b.SummableStateLength];
            a.ReadSummableState(sa);
            b.ReadSummableState(sb);
            float own = a.Result();
            var sum = sa.Zip(sb, (u, v) => u + v).ToArray();
            Assert.Equal(all.Result(), a.ResultOfSummedState(sum), 6);
            Assert.NotEqual(all.Result(), (a.Result() + b.Result()) / 2, 2); // the averaged value is not the global one
            Assert.Equal(own, a.Result()); // the own counts are back
            a.UpdateState(yB, pB); // and the next batches add to them
            Assert.Equal(all.Result(), a.Result(), 6);
        }
        Assert.Equal(0, new MeanAbsoluteError().SummableStateLength); // means are averaged by rows
    }
}

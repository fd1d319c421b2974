namespace LayerGen.Graphs;

/// <summary>The plan-rewrite rules an <see cref="ExecutionPlan"/> tries at each op node, in order (the first that matches wins).</summary>
internal static class PlanFusionRules
{
    /// <summary>The rules, most specific first.</summary>
    public static readonly PlanFusionRule[] All =
    [
        new MatMulBiasActivationFusion(),
        new FixedWeightMatMulFusion(),
        new ConvPoolFusion(),
        new ConvKeepPoolFusion(),
        new PooledByConvFusion(),
        new ConvBiasActivationFusion(),
        new MaxPoolReluGradFusion(),
        new BiasGradFromImageSumsFusion(),
        new FilterGradFromImagePartialsFusion(),
    ];
}

namespace LayerGen.Graphs;

/// <summary>
/// A plan-rewrite rule: recognises a group of graph nodes that an <see cref="ExecutionPlan"/> runs as one step
/// (a dense layer's MatMul → bias Add → activation, and later conv + bias + activation). One rule per file in
/// <c>Graphs/Planning/Fusions/</c>, listed in order in <see cref="PlanFusionRules"/>. A fused step writes the
/// group's last node's value; the group's other values are never materialised.
/// </summary>
internal abstract class PlanFusionRule
{
    /// <summary>The group starting at <paramref name="node"/> (an op node, in graph order), or null when the rule does not apply.</summary>
    public abstract PlanFusion? TryFuse(PlanFusionContext context, GraphNode node);
}

/// <summary>
/// A group a <see cref="PlanFusionRule"/> matched: the step runs where the group's last node
/// (<paramref name="NodeId"/>) was, reads <paramref name="Inputs"/>, and replaces the <paramref name="Absorbed"/>
/// nodes (the group's nodes, the last one included). <paramref name="CreateStep"/> makes the step from the last
/// node's spec and planned buffer.
/// </summary>
internal sealed record PlanFusion(int NodeId, Op Op, int[] Inputs, int[] Absorbed, Func<TensorSpec, Tensor?, PlanStep> CreateStep);

/// <summary>What fusion rules see of the graph being planned: its nodes, the specs at the planned input shapes, and how often each value is used.</summary>
internal sealed class PlanFusionContext(Graph graph, TensorSpec[] specs, int[] uses, RunFixedInputs? runFixed = null)
{
    /// <summary>The graph.</summary>
    public Graph Graph { get; } = graph;

    /// <summary>The spec of each node's value, by node id, at the planned input shapes.</summary>
    public IReadOnlyList<TensorSpec> Specs { get; } = specs;

    /// <summary>How many op inputs and graph outputs use each node's value, by node id.</summary>
    public IReadOnlyList<int> Uses { get; } = uses;

    /// <summary>The op node that is the only use of <paramref name="id"/>'s value, or null (several uses, or a graph output).</summary>
    public GraphNode? SoleConsumer(int id)
    {
        if (Uses[id] != 1 || Graph.OutputIds.Contains(id)) return null;
        for (int i = id + 1; i < Graph.Nodes.Count; i++)
            if (Graph.Nodes[i].Kind == GraphNodeKind.Op && Graph.Nodes[i].Inputs.Contains(id)) return Graph.Nodes[i];
        return null;
    }

    /// <summary>
    /// Whether node <paramref name="id"/> is a variable, a constant or an input the plan's owner keeps fixed across runs
    /// (<see cref="RunFixed"/>): a value not computed in the graph, which a step may prepare once.
    /// </summary>
    public bool IsFixed(int id) => Graph.Nodes[id].Kind is GraphNodeKind.Variable or GraphNodeKind.Constant
        || (RunFixed is not null && Graph.Nodes[id].Kind == GraphNodeKind.Input && RunFixed.InputIndices.Contains(Graph.Nodes[id].InputIndex));

    /// <summary>The inputs kept fixed across runs, with the version a step compares to re-prepare them, or null.</summary>
    public RunFixedInputs? RunFixed { get; } = runFixed;

    /// <summary>
    /// Bias gradients (<see cref="ReduceToLikeOp"/> nodes, by id) whose per-image sums an earlier fused step computes
    /// (<see cref="MaxPoolReluGradFusion"/>); <see cref="BiasGradFromImageSumsFusion"/> plans them.
    /// </summary>
    public Dictionary<int, PlannedImageSums> BiasGradSums { get; } = new();

    /// <summary>
    /// Shallow convolutions' kernel gradients (<see cref="ConvFilterGradOp"/> nodes, by id) whose per-image partials an
    /// earlier fused step computes (<see cref="MaxPoolReluGradFusion"/>); <see cref="FilterGradFromImagePartialsFusion"/> plans them.
    /// </summary>
    public Dictionary<int, PlannedFilterPartials> FilterGradPartials { get; } = new();

    /// <summary>
    /// 2×2 max poolings (<see cref="MaxPoolOp"/> nodes, by id) whose values an earlier training convolution step computes
    /// (<see cref="ConvKeepPoolFusion"/>); <see cref="PooledByConvFusion"/> plans them.
    /// </summary>
    public Dictionary<int, PlannedPooled> PooledByConv { get; } = new();

    /// <summary>
    /// Training convolutions' outputs (by node id) whose fused MaxPool + ReLU gradient may read the pool's route bytes
    /// instead of them (<see cref="PlannedPooled.Route"/>, made by <see cref="ConvKeepPoolFusion"/>).
    /// </summary>
    public Dictionary<int, PlannedPooled> PoolRoutes { get; } = new();
}

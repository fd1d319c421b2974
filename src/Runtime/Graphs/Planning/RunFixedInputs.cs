namespace LayerGen.Graphs;

/// <summary>
/// Inputs of a plan that keep their values across many runs, changing only when the owner says so: a loop's
/// captured weights (<see cref="ScanRunner"/> runs the body once per step on the same weights). A matrix product by
/// such an input packs it once and again only after <see cref="Changed"/>, as for a variable.
/// </summary>
internal sealed class RunFixedInputs(IReadOnlyCollection<int> inputIndices)
{
    /// <summary>The fixed inputs, as indices into the graph's inputs.</summary>
    public IReadOnlyCollection<int> InputIndices { get; } = inputIndices;

    /// <summary>Bumped by <see cref="Changed"/>: a step that prepared something from the inputs prepares it again when it differs.</summary>
    public int Version { get; private set; } = 1;

    /// <summary>Says the inputs' values may have changed (the owner calls it before runs on new values).</summary>
    public void Changed() => Version++;
}

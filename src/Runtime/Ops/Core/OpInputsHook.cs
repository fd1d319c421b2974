namespace LayerGen.Operations;

/// <summary>
/// Sees the inputs of each op application <see cref="OpRunner"/> makes, before it runs. Layers above the ops
/// fill it (<c>DeferredRestores</c> gives a variable created after a checkpoint restore its restored value
/// before its first use), so ops never name them.
/// </summary>
/// <param name="inputs">The op's inputs (not yet checked for null).</param>
internal delegate void OpInputsHook(ReadOnlySpan<Tensor> inputs);

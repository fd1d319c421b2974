namespace LayerGen.Operations;

/// <summary>
/// Sees each op application <see cref="OpRunner"/> makes (symbolic or eager), once its output exists.
/// Layers above the ops register one (the autodiff layer's gradient tapes do), so ops never name them.
/// </summary>
/// <param name="op">The op that ran.</param>
/// <param name="inputs">Its inputs.</param>
/// <param name="output">Its output (symbolic when an input was).</param>
internal delegate void OpRunObserver(Op op, ReadOnlySpan<Tensor> inputs, Tensor output);

namespace LayerGen.Checkpoints;

/// <summary>
/// One node of the object graph recorded in a checkpoint index: the tree of named children beneath the
/// checkpoint root, with what each node is. The tree is implied by the paths (<c>model</c>, <c>model/dense1</c>, ...).
/// </summary>
/// <param name="Path">The object path (the root is <c>""</c>).</param>
/// <param name="Kind"><c>checkpoint</c>, <c>module</c>, <c>variable</c> or <c>object</c> (another <see cref="ICheckpointable"/>).</param>
/// <param name="Type">The CLR type name of modules and other objects, if known.</param>
/// <param name="Key">For variables: the tensor key holding the value.</param>
public sealed record CheckpointObject(string Path, string Kind, string? Type = null, string? Key = null);

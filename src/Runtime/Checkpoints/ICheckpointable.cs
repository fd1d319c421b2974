namespace LayerGen.Checkpoints;

/// <summary>
/// An object a <see cref="Checkpoint"/> can hold besides modules and variables (optimizers will implement
/// it): it lists the variables it owns with paths relative to itself. A checkpoint stores each under
/// <c>child/path/.ATTRIBUTES/VARIABLE_VALUE</c>; the empty path stands for the object itself.
/// </summary>
public interface ICheckpointable
{
    /// <summary>The variables to save and restore, with paths relative to this object (<c>m/dense1/w</c>, or <c>""</c> for itself).</summary>
    IEnumerable<KeyValuePair<string, Variable>> GetCheckpointVariables();
}

namespace LayerGen.Saving;

/// <summary>One tensor listed by a weights file without reading its data (<c>Checkpoint.ListVariables</c>, <c>SafeTensors.List</c>).</summary>
/// <param name="Key">The key, e.g. <c>model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE</c>.</param>
/// <param name="Shape">The shape.</param>
/// <param name="DType">The element type.</param>
public readonly record struct CheckpointVariableInfo(string Key, Shape Shape, DType DType)
{
    /// <summary><c>model/dense1/b/.ATTRIBUTES/VARIABLE_VALUE [3] float32</c>.</summary>
    public override string ToString() => $"{Key} {Shape.ToListString()} {DType.Name()}";
}

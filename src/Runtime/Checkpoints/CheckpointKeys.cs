namespace LayerGen.Checkpoints;

/// <summary>How object paths become checkpoint keys, following TensorFlow's object-based checkpoints.</summary>
public static class CheckpointKeys
{
    /// <summary>The attribute suffix of a variable's value: <c>/.ATTRIBUTES/VARIABLE_VALUE</c>.</summary>
    public const string VariableValueSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";

    /// <summary>The name of the checkpoint's own save counter.</summary>
    public const string SaveCounterName = "save_counter";

    /// <summary>The key of the save counter.</summary>
    public static readonly string SaveCounterKey = SaveCounterName + VariableValueSuffix;

    /// <summary>The key of the variable at <paramref name="objectPath"/>: <c>model/dense1/w</c> → <c>model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE</c>.</summary>
    public static string ForVariable(string objectPath) => objectPath + VariableValueSuffix;

    /// <summary>Joins path segments with <c>/</c>, skipping empty ones.</summary>
    public static string Join(string prefix, string path) => ObjectPaths.Join(prefix, path);
}

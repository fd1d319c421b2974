namespace LayerGen.Saving;

/// <summary>
/// Object paths, the names every weights format stores variables under: segments joined with <c>/</c>
/// (<c>dense1/w</c>, <c>layers/dense_1/vars</c>). Checkpoints, safetensors and SavedModel take a module's paths from
/// <see cref="Module.NamedVariables"/> (one walk of the tree in declaration order); Keras's weights file orders the
/// same objects its own way (<c>KerasObjectPaths</c>); both name lists of layers with <c>LayerPaths.ElementNames</c>.
/// </summary>
internal static class ObjectPaths
{
    /// <summary>The separator between path segments.</summary>
    public const char Separator = '/';

    /// <summary>Joins two paths with <c>/</c>; an empty side is skipped (<c>Join("", "w") == "w"</c>).</summary>
    public static string Join(string prefix, string path)
        => prefix.Length == 0 ? path : path.Length == 0 ? prefix : prefix + Separator + path;
}

namespace LayerGen;

/// <summary>
/// A layer config (the JSON of <see cref="Layer.GetConfig"/>) could not be read: a key is missing or
/// has a value of the wrong kind, or a class name is not registered. The message names the layer
/// class and the key.
/// </summary>
public class ConfigException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner) { }

    internal static ConfigException For(string layerClass, string key, string problem)
        => new($"Cannot read the config of {layerClass}: key \"{key}\" {problem}.");
}

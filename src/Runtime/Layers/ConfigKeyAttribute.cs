namespace LayerGen.Layers;

/// <summary>
/// Gives a config constructor parameter another config key than its name in snake_case, for the keys Keras
/// spells its own way (<c>[ConfigKey("beta_1")] double beta1</c>). The generated <c>GetConfig</c> writes and
/// <c>FromConfig</c> reads that key.
/// </summary>
/// <param name="key">The config key.</param>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    /// <summary>The config key.</summary>
    public string Key { get; } = key;
}

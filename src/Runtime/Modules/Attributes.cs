namespace LayerGen.Modules;

/// <summary>
/// Marks a <c>partial</c> class as a module: the LayerGen generator writes, at compile time, the code
/// that lists its variables and submodules (<see cref="Module.Variables"/>, <see cref="Module.Submodules"/>),
/// derives it from <see cref="Module"/> when it names no base class, and gives it a default name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModuleAttribute : Attribute;

/// <summary>
/// Marks a <c>partial</c> class as a Keras-style layer (a <see cref="Module"/> with build-once, call
/// bookkeeping and generated config).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LayerAttribute : Attribute
{
    /// <summary>The package part of the registered name <c>package&gt;ClassName</c>; defaults to the assembly name.</summary>
    public string? Package { get; set; }
}

/// <summary>Gives a tracked member another path segment than its snake_case name.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class TrackAsAttribute(string name) : Attribute
{
    /// <summary>The path segment.</summary>
    public string Name { get; } = name;
}

/// <summary>Leaves a member out of tracking: its variables are not listed, saved or trained.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class NotTrackedAttribute : Attribute;

/// <summary>Chooses the constructor that <c>GetConfig</c>/<c>FromConfig</c> are generated from.</summary>
[AttributeUsage(AttributeTargets.Constructor, Inherited = false)]
public sealed class ConfigConstructorAttribute : Attribute;

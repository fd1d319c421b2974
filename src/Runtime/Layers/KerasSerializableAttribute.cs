namespace LayerGen.Layers;

/// <summary>
/// Makes a <c>partial</c> loss, metric, optimizer, learning-rate schedule, initializer, regularizer or
/// constraint serializable the way a <c>[Layer]</c> is (Keras's <c>register_keras_serializable</c>): the
/// generator writes <c>ClassName</c>, <c>RegisteredName</c>, <c>GetConfig</c>/<c>FromConfig</c> from the
/// constructor (the <c>[ConfigConstructor]</c> or the only public one), and registers the class, under its
/// registered name and the <paramref name="aliases"/>, in its kind's <see cref="KerasRegistry{T}"/> when the
/// assembly loads.
/// </summary>
/// <param name="aliases">Keras's string identifiers for the class (<c>"mse"</c>, <c>"adam"</c>, <c>"glorot_uniform"</c>).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KerasSerializableAttribute(params string[] aliases) : Attribute
{
    /// <summary>Keras's string identifiers for the class.</summary>
    public IReadOnlyList<string> Aliases { get; } = aliases;

    /// <summary>The package part of the registered name <c>package&gt;ClassName</c>; defaults to the assembly name.</summary>
    public string? Package { get; set; }

    /// <summary>Keras's <c>class_name</c> when it is not the C# class name (<c>Zeros</c> for <c>ZerosInitializer</c>).</summary>
    public string? ClassName { get; set; }
}

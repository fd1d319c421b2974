namespace LayerGen.Operations;

/// <summary>
/// Declares a <c>partial</c> class deriving from <see cref="Op"/> as an op named <see cref="Name"/>. The generator
/// then writes its plumbing from the constructor (or the static method marked <see cref="OpFactoryAttribute"/>):
/// <see cref="Op.Name"/> (for a single name), the static <c>Create(OpAttributes)</c> factory,
/// <see cref="Op.WriteAttributes"/>, <see cref="Op.DescribeAttributes"/> and the <see cref="OpRegistry"/> entry
/// made when the module loads. Each constructor parameter is an attribute (see <see cref="OpAttrAttribute"/>),
/// read back from the property of the same name. A member written by hand is not generated.
/// An op class with several names (the comparisons, ArgMax/ArgMin) carries one <c>[Op]</c> per name, writes
/// <see cref="Op.Name"/> itself and takes the name through a parameter marked <see cref="OpNameAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class OpAttribute(string name) : Attribute
{
    /// <summary>The op name, as graphs store it (e.g. <c>MatMul</c>).</summary>
    public string Name { get; } = name;
}

/// <summary>
/// Names an op attribute taken by a constructor (or <see cref="OpFactoryAttribute"/> method) parameter of an
/// <see cref="OpAttribute"/> class. Without it the attribute is called by the parameter name in snake_case
/// (<c>transposeA</c> is <c>transpose_a</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class OpAttrAttribute : Attribute
{
    /// <summary>Keeps the snake_case name and sets only the options.</summary>
    public OpAttrAttribute() { }

    /// <summary>Gives the attribute name graph files use (e.g. <c>keepdims</c>).</summary>
    public OpAttrAttribute(string name) => Name = name;

    /// <summary>The attribute name graph files use; null for the parameter name in snake_case.</summary>
    public string? Name { get; }

    /// <summary>
    /// What <see cref="Op.DescribeAttributes"/> shows for a null value (e.g. <c>all</c> for "all axes"); when not set,
    /// a null attribute is left out of the description.
    /// </summary>
    public string? NullText { get; set; }
}

/// <summary>Marks the <c>string</c> parameter that receives the op name, in an op class registered under several names.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class OpNameAttribute : Attribute;

/// <summary>
/// Marks the static method the generated <c>Create(OpAttributes)</c> calls instead of the constructor (ops
/// whose instances are shared, or whose constructor takes the attributes in another form).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OpFactoryAttribute : Attribute;

using System.Globalization;

namespace LayerGen.Variables;

/// <summary>
/// A mutable tensor: its name, shape and dtype are fixed at creation; its values change through
/// <see cref="Assign"/>, <see cref="AssignAdd"/> and <see cref="AssignSub"/>. A variable is a
/// <see cref="Tensor"/>, so it goes wherever a tensor does; a <see cref="GradientTape"/> watches
/// trainable variables on its own.
/// </summary>
public class Variable : Tensor
{
    /// <summary>Creates a variable holding a copy of <paramref name="initialValue"/>.</summary>
    public Variable(Tensor initialValue, bool trainable = true, string? name = null)
        : base(CopyStorage(initialValue), initialValue.Shape, initialValue.DType)
    {
        Trainable = trainable;
        Name = name ?? "Variable";
    }

    /// <summary>Creates a float32 scalar variable.</summary>
    public Variable(float initialValue, bool trainable = true, string? name = null)
        : this(Scalar(initialValue), trainable, name) { }

    /// <summary>Creates a float64 scalar variable.</summary>
    public Variable(double initialValue, bool trainable = true, string? name = null)
        : this(Scalar(initialValue), trainable, name) { }

    private static Array CopyStorage(Tensor initialValue)
    {
        ArgumentNullException.ThrowIfNull(initialValue);
        if (initialValue.IsSymbolic)
            throw new ArgumentException($"A variable needs a concrete initial value, got a symbolic tensor {initialValue.Spec}.", nameof(initialValue));
        return (Array)initialValue.Storage.Clone();
    }

    /// <summary>The variable's name (the last segment; modules know its full path).</summary>
    public string Name { get; }

    /// <summary>Whether optimizers update it and tapes watch it. Can be changed at any time.</summary>
    public bool Trainable { get; set; }

    internal override bool IsMutable => true;

    /// <summary>Raised after every assignment (optimizers, checkpoints and caches listen).</summary>
    internal int Version { get; private set; }

    /// <summary>Overwrites the values; the shape and dtype must match.</summary>
    public Variable Assign(Tensor value)
    {
        Check(value, "Assign");
        value.Storage.AsSpanOfBytes().CopyTo(Storage.AsSpanOfBytes());
        Version++;
        return this;
    }

    /// <summary>Raises <see cref="Version"/> after the storage was written in place (optimizers' update loops).</summary>
    internal override void MarkChanged() => Version++;

    /// <summary>Adds <paramref name="delta"/> in place.</summary>
    public Variable AssignAdd(Tensor delta) { Check(delta, "AssignAdd"); return Assign(Ops.Add(this, delta)); }

    /// <summary>Subtracts <paramref name="delta"/> in place.</summary>
    public Variable AssignSub(Tensor delta) { Check(delta, "AssignSub"); return Assign(Ops.Sub(this, delta)); }

    /// <summary>A snapshot of the current values as an immutable tensor.</summary>
    public Tensor Value() => new((Array)Storage.Clone(), Shape, DType);

    private void Check(Tensor value, string op)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Shape != Shape)
            throw new ShapeMismatchException($"{op} to variable '{Name}'", $"value has shape {value.Shape} but the variable has shape {Shape}.", value.Shape, Shape);
        if (value.DType != DType)
            throw new DTypeMismatchException($"{op} to variable '{Name}'", $"value has dtype {value.DType.Name()} but the variable has dtype {DType.Name()}.");
    }

    /// <summary>Text like <c>&lt;Variable 'w' shape=(3, 3) dtype=float32, numpy=...&gt;</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"<Variable '{Name}' shape={Shape} dtype={DType.Name()}, numpy={(Rank == 0 ? "" : "\n")}{TensorFormatter.FormatValues(this, 0)}>");
}

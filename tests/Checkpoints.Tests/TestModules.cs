namespace LayerGen.Checkpoints.Tests;

// Written by hand (not [Module]) so these tests do not depend on the generator.

public sealed class Dense : Module
{
    private readonly Variable w, b;

    public Dense(int inFeatures, int outFeatures, RandomGenerator? g = null)
    {
        w = new(Tensor.RandomNormal([inFeatures, outFeatures], generator: g), name: "w");
        b = new(Tensor.Zeros([outFeatures]), name: "b");
    }

    public Variable W => w;
    public Variable B => b;

    public Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);

    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        visitor.Variable("w", w);
        visitor.Variable("b", b);
    }
}

public sealed class SequentialModule : Module
{
    private readonly Dense dense1, dense2;

    public SequentialModule(RandomGenerator? g = null)
    {
        dense1 = new(3, 3, g);
        dense2 = new(3, 2, g);
    }

    public Dense Dense1 => dense1;
    public Dense Dense2 => dense2;

    public Tensor Call(Tensor x) => dense2.Call(dense1.Call(x));

    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        visitor.Module("dense1", dense1);
        visitor.Module("dense2", dense2);
    }
}

/// <summary>Creates its variables on first call (walkthrough step 3): restored through the deferred hook.</summary>
public sealed class FlexibleDense : Module
{
    private readonly int outFeatures;
    private Variable? w, b;

    public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;

    public Variable? W => w;

    public Tensor Call(Tensor x)
    {
        w ??= new(Tensor.RandomNormal([x.Shape[^1], outFeatures]), name: "w");
        b ??= new(Tensor.Zeros([outFeatures]), name: "b");
        return Ops.Relu(Ops.MatMul(x, w) + b);
    }

    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        if (w is not null) visitor.Variable("w", w);
        if (b is not null) visitor.Variable("b", b);
    }
}

/// <summary>Two <see cref="FlexibleDense"/> in a row: the second creates its variables after the first has run.</summary>
public sealed class TwoFlexible : Module
{
    private readonly FlexibleDense first = new(3), second = new(2);

    public Tensor Call(Tensor x) => second.Call(first.Call(x));

    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        visitor.Module("first", first);
        visitor.Module("second", second);
    }
}

/// <summary>A module holding one variable of each dtype.</summary>
public sealed class AllDTypes : Module
{
    public Variable F32 { get; } = new(Tensor.From(new[,] { { 1.5f, -2f, float.NaN }, { float.PositiveInfinity, 0f, 3.25f } }), name: "f32");
    public Variable F64 { get; } = new(Tensor.From(new[] { Math.PI, -1e300, double.Epsilon }), name: "f64");
    public Variable I32 { get; } = new(Tensor.From(new[] { int.MinValue, 0, int.MaxValue }), name: "i32");
    public Variable I64 { get; } = new(Tensor.From(new[] { long.MinValue, 42L, long.MaxValue }), name: "i64");
    public Variable Bool { get; } = new(Tensor.From(new[] { true, false, true, true }), name: "bool");
    public Variable Scalar { get; } = new(Tensor.Scalar(7.0), name: "scalar");
    public Variable Empty { get; } = new(Tensor.Zeros([0, 4]), name: "empty");

    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        visitor.Variable("f32", F32);
        visitor.Variable("f64", F64);
        visitor.Variable("i32", I32);
        visitor.Variable("i64", I64);
        visitor.Variable("bool", Bool);
        visitor.Variable("scalar", Scalar);
        visitor.Variable("empty", Empty);
    }

    public void Zero()
    {
        foreach (var v in Variables) v.Assign(Tensor.Zeros(v.Shape, v.DType));
    }
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lg-ckpt-" + Guid.NewGuid().ToString("N")[..10]);
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

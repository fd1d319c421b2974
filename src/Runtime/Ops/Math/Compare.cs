using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>The comparison a <see cref="CompareOp"/> makes.</summary>
public enum Comparison
{
    /// <summary><c>x == y</c></summary>
    Equal,
    /// <summary><c>x != y</c></summary>
    NotEqual,
    /// <summary><c>x &lt; y</c></summary>
    Less,
    /// <summary><c>x &lt;= y</c></summary>
    LessEqual,
    /// <summary><c>x &gt; y</c></summary>
    Greater,
    /// <summary><c>x &gt;= y</c></summary>
    GreaterEqual,
}

/// <summary>Elementwise comparison with broadcasting; the result is bool and has no gradient.</summary>
[Op("Equal")]
[Op("NotEqual")]
[Op("Less")]
[Op("LessEqual")]
[Op("Greater")]
[Op("GreaterEqual")]
public sealed partial class CompareOp : BinaryElementwiseOp
{
    private static readonly CompareOp[] Instances = [.. Enum.GetValues<Comparison>().Select(c => new CompareOp(c))];

    private CompareOp(Comparison comparison) => Comparison = comparison;

    /// <summary>The op for a comparison named <paramref name="name"/>: the factory of the generated <c>Create</c>.</summary>
    [OpFactory]
    private static CompareOp FromName([OpName] string name) => For(Enum.Parse<Comparison>(name));

    /// <summary>The op for a comparison.</summary>
    public static CompareOp For(Comparison comparison) => Instances[(int)comparison];

    /// <summary>Which comparison.</summary>
    public Comparison Comparison { get; }
    /// <inheritdoc/>
    public override string Name => Comparison.ToString();
    /// <inheritdoc/>
    protected override DType ResultDType(DType input) => DType.Bool;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        var spec = base.InferOutput(inputs);
        if (inputs[0].DType == DType.Bool && Comparison is not (Comparison.Equal or Comparison.NotEqual))
            throw new DTypeMismatchException(Name, $"bool tensors can only be compared for equality (shapes {inputs[0].Shape} and {inputs[1].Shape}).");
        return spec;
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Comparison switch
    {
        Comparison.Equal => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Eq>, Kernel<double, Eq>, Kernel<int, Eq>, Kernel<long, Eq>, BoolKernel<Eq>, Name),
        Comparison.NotEqual => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Ne>, Kernel<double, Ne>, Kernel<int, Ne>, Kernel<long, Ne>, BoolKernel<Ne>, Name),
        Comparison.Less => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Lt>, Kernel<double, Lt>, Kernel<int, Lt>, Kernel<long, Lt>, null, Name),
        Comparison.LessEqual => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Le>, Kernel<double, Le>, Kernel<int, Le>, Kernel<long, Le>, null, Name),
        Comparison.Greater => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Gt>, Kernel<double, Gt>, Kernel<int, Gt>, Kernel<long, Gt>, null, Name),
        _ => Elementwise.Compare(inputs[0], inputs[1], output, Kernel<float, Ge>, Kernel<double, Ge>, Kernel<int, Ge>, Kernel<long, Ge>, null, Name),
    };

    private interface IPredicate { static abstract bool Test<T>(T x, T y) where T : INumber<T>; }
    private struct Eq : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x == y; }
    private struct Ne : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x != y; }
    private struct Lt : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x < y; }
    private struct Le : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x <= y; }
    private struct Gt : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x > y; }
    private struct Ge : IPredicate { public static bool Test<T>(T x, T y) where T : INumber<T> => x >= y; }

    private static void Kernel<T, TP>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> d) where T : INumber<T> where TP : IPredicate
    {
        if (x.Length == d.Length && y.Length == d.Length) for (int i = 0; i < d.Length; i++) d[i] = TP.Test(x[i], y[i]);
        else if (y.Length == 1) { var s = y[0]; for (int i = 0; i < d.Length; i++) d[i] = TP.Test(x[i], s); }
        else { var s = x[0]; for (int i = 0; i < d.Length; i++) d[i] = TP.Test(s, y[i]); }
    }

    private static void BoolKernel<TP>(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> d) where TP : IPredicate
    {
        bool eq = typeof(TP) == typeof(Eq);
        for (int i = 0; i < d.Length; i++)
        {
            bool a = x[x.Length == 1 ? 0 : i], b = y[y.Length == 1 ? 0 : i];
            d[i] = eq ? a == b : a != b;
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [null, null];
}

public static partial class Ops
{
    /// <summary>Elementwise <c>x == y</c> (bool).</summary>
    public static Tensor Equal(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.Equal), x, y);
    /// <summary>Elementwise <c>x != y</c> (bool).</summary>
    public static Tensor NotEqual(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.NotEqual), x, y);
    /// <summary>Elementwise <c>x &lt; y</c> (bool).</summary>
    public static Tensor Less(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.Less), x, y);
    /// <summary>Elementwise <c>x &lt;= y</c> (bool).</summary>
    public static Tensor LessEqual(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.LessEqual), x, y);
    /// <summary>Elementwise <c>x &gt; y</c> (bool).</summary>
    public static Tensor Greater(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.Greater), x, y);
    /// <summary>Elementwise <c>x &gt;= y</c> (bool).</summary>
    public static Tensor GreaterEqual(Tensor x, Tensor y) => OpRunner.Run(CompareOp.For(Comparison.GreaterEqual), x, y);
}

using LayerGen.Operations;

namespace LayerGen.Tests;

/// <summary><see cref="Ops.Einsum"/> (<see cref="EinsumOp"/>) against a direct sum over all labels, its gradient, and its errors.</summary>
public class EinsumTests
{
    /// <summary>The equations EinsumDense and MultiHeadAttention use, and other forms.</summary>
    public static IEnumerable<object[]> Equations() =>
    [
        ["ab,bc->ac", new[] { 3, 4 }, new[] { 4, 5 }],
        ["abc,cde->abde", new[] { 2, 3, 4 }, new[] { 4, 2, 3 }],
        ["abcd,cde->abe", new[] { 2, 3, 2, 3 }, new[] { 2, 3, 4 }],
        ["aecd,abcd->acbe", new[] { 2, 5, 2, 3 }, new[] { 2, 4, 2, 3 }],
        ["acbe,aecd->abcd", new[] { 2, 2, 4, 5 }, new[] { 2, 5, 2, 3 }],
        ["...b,bc->...c", new[] { 2, 3, 4 }, new[] { 4, 5 }],
        ["ab...,bc->ac...", new[] { 2, 4, 3 }, new[] { 4, 5 }],
        ["...ij,...jk->...ik", new[] { 2, 1, 3, 4 }, new[] { 3, 4, 2 }],
        ["ij,jk", new[] { 3, 4 }, new[] { 4, 2 }],
        ["bij,bkj->bik", new[] { 2, 3, 4 }, new[] { 2, 5, 4 }],
        ["ij,kl->ijkl", new[] { 2, 3 }, new[] { 2, 2 }],
        ["abc,c->ab", new[] { 2, 3, 4 }, new[] { 4 }],
        ["abc,cb->a", new[] { 2, 3, 4 }, new[] { 4, 3 }],
        ["abc,bd->ad", new[] { 2, 3, 4 }, new[] { 3, 5 }],
    ];

    [Theory]
    [MemberData(nameof(Equations))]
    public void MatchesDirectSummation(string equation, int[] sa, int[] sb)
    {
        var g = new RandomGenerator(7);
        var a = g.Normal(new Shape(sa), dtype: DType.Float64);
        var b = g.Normal(new Shape(sb), dtype: DType.Float64);
        var actual = Ops.Einsum(equation, a, b);
        var (expected, shape) = Reference(equation, a, b);
        Assert.Equal(shape, actual.Shape);
        var got = actual.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 10);
    }

    [Theory]
    [MemberData(nameof(Equations))]
    public void GradientMatchesFiniteDifferences(string equation, int[] sa, int[] sb)
    {
        var g = new RandomGenerator(8);
        GradientCheck.Check(x => Ops.Einsum(equation, x[0], x[1]),
            [g.Normal(new Shape(sa), dtype: DType.Float64), g.Normal(new Shape(sb), dtype: DType.Float64)]);
    }

    [Fact]
    public void OneAndThreeOperands()
    {
        var g = new RandomGenerator(9);
        var a = g.Normal([2, 3], dtype: DType.Float64);
        var b = g.Normal([3, 4], dtype: DType.Float64);
        var c = g.Normal([4, 5], dtype: DType.Float64);
        Assert.Equal(Ops.Transpose(a).ToDoubleArray(), Ops.Einsum("ij->ji", a).ToDoubleArray());
        var sums = Ops.Einsum("ij->i", a).ToDoubleArray();
        var direct0 = Ops.Sum(a, 1).ToDoubleArray();
        for (int i = 0; i < sums.Length; i++) Assert.Equal(direct0[i], sums[i], 12);
        var chain = Ops.Einsum("ij,jk,kl->il", a, b, c).ToDoubleArray();
        var direct = Ops.MatMul(Ops.MatMul(a, b), c).ToDoubleArray();
        for (int i = 0; i < direct.Length; i++) Assert.Equal(direct[i], chain[i], 10);
    }

    [Fact]
    public void ErrorsNameTheProblem()
    {
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<ShapeMismatchException>(() => Ops.Einsum("ab,bc->ac", a, b));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("operand 0 (shape (2, 3))", e.Message);
        Assert.Contains("operand 1 (shape (4, 5))", e.Message);
        Assert.Contains("has 1 operand(s), but 2", Assert.Throws<EinsumEquationException>(() => Ops.Einsum("ab->ba", a, b)).Message);
        Assert.Throws<EinsumEquationException>(() => Ops.Einsum("ab,bc->ac", a));
        var rank = Assert.Throws<ShapeMismatchException>(() => Ops.Einsum("abc,cd->abd", a, b));
        Assert.Contains("operand 0 has shape (2, 3) (rank 2)", rank.Message);
        Assert.Throws<NotSupportedException>(() => Ops.Einsum("aa->a", Tensor.Zeros([2, 2])));
        var output = Assert.Throws<EinsumEquationException>(() => Ops.Einsum("ab,bc->az", a, Tensor.Zeros([3, 2])));
        Assert.Contains("'z' is in no operand", output.Message);
        Assert.Equal("ab,bc->az", output.Equation);
        Assert.Throws<EinsumEquationException>(() => Ops.Einsum("a1,1c->ac", a, b));
        Assert.Throws<EinsumEquationException>(() => Ops.Einsum("ab->b->a", a));
        Assert.Throws<EinsumEquationException>(() => Ops.Einsum("ab,bc->aa", a, Tensor.Zeros([3, 2])));
    }

    [Theory]
    [MemberData(nameof(Equations))]
    public void Float32MatchesFloat64(string equation, int[] sa, int[] sb)
    {
        // Float32 takes the strided GEMM where the layout allows, the direct sum otherwise; float64 checks both.
        var g = new RandomGenerator(10);
        var a = g.Normal(new Shape(sa), dtype: DType.Float64);
        var b = g.Normal(new Shape(sb), dtype: DType.Float64);
        var expected = Ops.Einsum(equation, a, b).ToDoubleArray();
        var got = Ops.Einsum(equation, Ops.Cast(a, DType.Float32), Ops.Cast(b, DType.Float32)).ToFloatArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{i}: {expected[i]} vs {got[i]}");
    }

    [Theory]
    [InlineData("aecd,abcd->acbe", new[] { 2, 5, 2, 3 }, new[] { 2, 4, 2, 3 })]
    [InlineData("acbe,aecd->abcd", new[] { 2, 2, 4, 5 }, new[] { 2, 5, 2, 3 })]
    [InlineData("abc,cde->abde", new[] { 2, 3, 4 }, new[] { 4, 2, 3 })]
    [InlineData("abcd,cde->abe", new[] { 2, 3, 2, 3 }, new[] { 2, 3, 4 })]
    [InlineData("abde,cde->abc", new[] { 2, 3, 2, 3 }, new[] { 4, 2, 3 })]
    [InlineData("abde,abc->cde", new[] { 2, 3, 2, 3 }, new[] { 2, 3, 4 })]
    [InlineData("acbe,abcd->aecd", new[] { 2, 2, 4, 5 }, new[] { 2, 4, 2, 3 })]
    public void AttentionEquationsAndTheirGradientsAreStridedProducts(string equation, int[] sa, int[] sb)
    {
        var specs = new[] { new TensorSpec(new Shape(sa), DType.Float32), new TensorSpec(new Shape(sb), DType.Float32) };
        var op = new EinsumOp(equation);
        var output = op.InferOutput(specs);
        Assert.True(EinsumLayout.Create(op.Read(specs), specs, output.Shape).IsProduct, equation);
    }

    [Fact]
    public void LargeBatchedProductsSplitOverTheCoresMatchTheDirectSum()
    {
        // 64 products of 48x40x32: spread over the fork-join pool by batch.
        var g = new RandomGenerator(11);
        var k = g.Normal([4, 40, 16, 32]);
        var q = g.Normal([4, 48, 16, 32]);
        var got = Ops.Einsum("aecd,abcd->acbe", k, q).ToFloatArray();
        var expected = Ops.Einsum("aecd,abcd->acbe", Ops.Cast(k, DType.Float64), Ops.Cast(q, DType.Float64)).ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{i}: {expected[i]} vs {got[i]}");
    }

    [Fact]
    public void LabelsSummedInOneOperandAndIntegers()
    {
        var a = Tensor.From<int>([1, 2, 3, 4, 5, 6], new Shape(2, 3));
        var b = Tensor.From<int>([1, 10], new Shape(2));
        Assert.Equal([21, 210], Ops.Einsum("ab,c->c", a, b).ToArray<int>());
        var x = new RandomGenerator(12).Normal([2, 3], dtype: DType.Float64);
        var y = new RandomGenerator(13).Normal([4], dtype: DType.Float64);
        GradientCheck.Check(t => Ops.Einsum("ab,c->ac", t[0], t[1]), [x, y]);
    }

    [Fact]
    public void MaskedSoftmaxIsKerasSoftmaxWithMask()
    {
        var x = Tensor.From<float>([1, 2, 3, 4, 5, 6], new Shape(2, 3));
        var mask = Tensor.From<bool>([true, false, true, false, false, false], new Shape(2, 3));
        var y = Ops.MaskedSoftmax(x, mask, -1).ToFloatArray();
        float e = MathF.Exp(2);
        Assert.Equal(1 / (1 + e), y[0], 6);
        Assert.Equal(0f, y[1]);
        Assert.Equal(e / (1 + e), y[2], 6);
        Assert.Equal([0f, 0f, 0f], y[3..]); // a fully masked row is zeros, as Keras
        Assert.Throws<ShapeMismatchException>(() => Ops.MaskedSoftmax(x, Tensor.Zeros([2, 2], DType.Bool), -1));
        var multi = Ops.MaskedSoftmax(x, null, 0, 1).ToFloatArray();
        Assert.Equal(1f, multi.Sum(), 5);
    }

    /// <summary>Sums over every label assignment (explicit outputs only; implicit ones are alphabetical).</summary>
    private static (double[] Values, Shape Shape) Reference(string equation, Tensor a, Tensor b)
    {
        string eq = equation;
        if (!eq.Contains("->"))
        {
            var parts0 = eq.Split(',');
            var once = string.Concat(parts0).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order();
            eq += "->" + new string([.. once]);
        }
        var sides = eq.Split("->");
        var terms = sides[0].Split(',');
        var tensors = new[] { a, b };
        string ell = "ZYXWV";
        int ellRank = Math.Max(a.Rank - terms[0].Replace("...", "").Length, b.Rank - terms[1].Replace("...", "").Length);
        for (int i = 0; i < 2; i++)
        {
            int n = tensors[i].Rank - terms[i].Replace("...", "").Length;
            terms[i] = terms[i].Replace("...", ell.Substring(ellRank - n, n));
        }
        string output = sides[1].Replace("...", ell[..ellRank]);
        var size = new Dictionary<char, int>();
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < terms[i].Length; k++)
                size[terms[i][k]] = Math.Max(size.GetValueOrDefault(terms[i][k]), tensors[i].Shape[k]);
        var labels = size.Keys.ToArray();
        var outShape = new Shape([.. output.Select(c => size[c])]);
        var result = new double[outShape.Size];
        var va = a.ToDoubleArray();
        var vb = b.ToDoubleArray();
        var idx = new int[labels.Length];
        while (true)
        {
            double pa = va[Offset(terms[0], a.Shape)], pb = vb[Offset(terms[1], b.Shape)];
            result[Offset(output, outShape)] += pa * pb;
            int k = labels.Length - 1;
            while (k >= 0 && ++idx[k] == size[labels[k]]) idx[k--] = 0;
            if (k < 0) break;
        }
        return (result, outShape);

        int Offset(string term, Shape shape)
        {
            int off = 0;
            for (int i = 0; i < term.Length; i++)
            {
                int v = idx[Array.IndexOf(labels, term[i])];
                off = off * shape[i] + (shape[i] == 1 ? 0 : v);
            }
            return off;
        }
    }
}

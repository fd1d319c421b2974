namespace LayerGen.Tests;

/// <summary>
/// The float64 central-difference gradient check, run on every op in <see cref="OpRegistry"/>: a table of cases
/// keyed by op name, and a test that fails when a registered op has neither a case nor an entry in
/// <see cref="NoGradientCheck"/> saying why it cannot have one.
/// </summary>
public class OpGradientTests
{
    /// <summary>
    /// One gradient check: <see cref="Op"/> applied to the arguments made from float64 <see cref="Inputs"/>
    /// (<see cref="Arguments"/> adds the integer or bool arguments, which get no gradient); only the inputs in
    /// <see cref="Only"/> are checked when it is given.
    /// </summary>
    public sealed record Case(Op Op, Tensor[] Inputs, Func<Tensor[], Tensor[]>? Arguments = null, int[]? Only = null);

    private static Tensor R(int seed, params int[] shape) => GradientCheck.Rand(new Shape(shape), seed);
    private static Tensor Positive(int seed, params int[] shape) => GradientCheck.Rand(new Shape(shape), seed, 0.5, 2);
    private static Tensor F64(params double[] values) => Tensor.From(values);
    private static readonly Tensor Indices = Tensor.From(new[] { 2, 0, 2 });

    /// <summary>The gradient-check case of each op, by op name.</summary>
    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>(StringComparer.Ordinal)
    {
        // Activations
        ["Elu"] = new(new EluOp(1.0), [R(1, 2, 3)]),
        ["Gelu"] = new(new GeluOp(false), [R(2, 2, 3)]),
        ["LeakyRelu"] = new(new LeakyReluOp(0.2), [F64(-1.5, -0.3, 0.4, 2)]),
        ["LogSoftmax"] = new(new LogSoftmaxOp(-1), [R(3, 2, 4)]),
        ["LstmCellUpdate"] = new(LstmCellUpdateOp.Instance, [R(301, 3, 8), R(302, 3, 2)]),
        ["LstmCellUpdateGrad"] = new(LstmCellUpdateGradOp.Instance, [R(303, 3, 8), R(304, 3, 2), R(305, 2, 3, 2), R(306, 2, 3, 2)]),
        ["GruCellUpdate"] = new(GruCellUpdateOp.Instance, [R(307, 3, 6), R(308, 3, 6), R(309, 3, 2)]),
        ["GruCellUpdateGrad"] = new(GruCellUpdateGradOp.Instance, [R(310, 3, 6), R(311, 3, 6), R(312, 3, 2), R(313, 3, 2)]),
        ["Relu"] = new(ReluOp.Instance, [F64(-1.5, -0.3, 0.4, 2)]),
        ["ReluGrad"] = new(ReluGradOp.Instance, [F64(0.7, -1.2, 0.4, 2), F64(0, -0.3, 0.4, 2)], Only: [0]),
        ["Sigmoid"] = new(SigmoidOp.Instance, [R(4, 2, 3)]),
        ["Softmax"] = new(new SoftmaxOp(0), [R(5, 3, 2)]),
        ["SoftmaxGrad"] = new(new SoftmaxGradOp(-1), [R(201, 3, 2, 4), R(202, 3, 2, 4)]),
        ["LayerNorm"] = new(new LayerNormOp(1e-3), [R(203, 3, 2, 5), R(204, 5), R(205, 5)]),
        ["LayerNormGrad"] = new(new LayerNormGradOp(1e-3), [R(206, 3, 2, 5), R(207, 5), R(208, 3, 2, 5)]),
        ["Softplus"] = new(SoftplusOp.Instance, [R(6, 2, 3)]),
        ["Tanh"] = new(TanhOp.Instance, [R(7, 2, 3)]),
        // Math
        ["Abs"] = new(AbsOp.Instance, [F64(-1.5, -0.3, 0.4, 2)]),
        ["Add"] = new(AddOp.Instance, [R(8, 2, 3), R(9, 3)]),
        ["Cast"] = new(new CastOp(DType.Float64), [R(10, 2, 3)]),
        ["Clip"] = new(new ClipOp(-0.5, 0.5), [F64(-1.5, -0.3, 0.4, 2)]),
        ["Div"] = new(DivOp.Instance, [R(11, 2, 3), Positive(12, 3)]),
        ["Erf"] = new(ErfOp.Instance, [R(13, 2, 3)]),
        ["Exp"] = new(ExpOp.Instance, [R(14, 2, 3)]),
        ["Log"] = new(LogOp.Instance, [Positive(15, 2, 3)]),
        ["Maximum"] = new(MaximumOp.Instance, [F64(-1, 2, 0.5), F64(0.3, 1, -2)]),
        ["Minimum"] = new(MinimumOp.Instance, [F64(-1, 2, 0.5), F64(0.3, 1, -2)]),
        ["Mul"] = new(MulOp.Instance, [R(16, 2, 3), R(17, 2, 1)]),
        ["Neg"] = new(NegOp.Instance, [R(18, 2, 3)]),
        ["Pow"] = new(PowOp.Instance, [Positive(19, 2, 3), R(20, 3)]),
        ["Sign"] = new(SignOp.Instance, [F64(-1.5, -0.3, 0.4, 2)]),
        ["Sqrt"] = new(SqrtOp.Instance, [Positive(21, 2, 3)]),
        ["Square"] = new(SquareOp.Instance, [R(22, 2, 3)]),
        ["Sub"] = new(SubOp.Instance, [R(23, 2, 3), R(24, 1, 3)]),
        ["Where"] = new(WhereOp.Instance, [R(25, 2, 3), R(26, 2, 3), R(27, 3)],
            xs => [Ops.Greater(xs[0], Tensor.Scalar(0.0)), xs[1], xs[2]], Only: [1, 2]),
        // Convolution (2D with stride, padding, dilation and groups; ConvOpsTests checks 1D and 3D too)
        ["Conv"] = new(new ConvOp([2, 1], [1, 0, 1, 1], [1, 2], 2), [R(60, 2, 5, 6, 4), R(61, 2, 2, 2, 6)]),
        ["ConvTranspose"] = new(new ConvTransposeOp([5, 6], [2, 1], [1, 0, 1, 1], [1, 2], 2), [R(62, 2, 3, 5, 6), R(63, 2, 2, 2, 6)]),
        ["ConvFilterGrad"] = new(new ConvFilterGradOp([2, 2], [2, 1], [1, 0, 1, 1], [1, 2], 2), [R(64, 2, 5, 6, 4), R(65, 2, 3, 5, 6)]),
        // Linear algebra
        ["MatMul"] = new(new MatMulOp(false, true), [R(28, 2, 3), R(29, 4, 3)]),
        ["Einsum"] = new(new EinsumOp("aecd,abcd->acbe"), [R(28, 2, 4, 2, 3), R(29, 2, 3, 2, 3)]),
        // Reductions
        ["Max"] = new(new MaxOp([1], false), [R(30, 2, 3)]),
        ["Mean"] = new(new MeanOp([0], true), [R(31, 2, 3)]),
        ["Min"] = new(new MinOp(null, false), [R(32, 2, 3)]),
        ["Prod"] = new(new ProdOp([1], false), [R(33, 2, 3)]),
        ["ProdExceptSelf"] = new(new ProdExceptSelfOp([1]), [R(34, 2, 3)]),
        ["Sum"] = new(new SumOp([1], true), [R(35, 2, 3)]),
        // Shapes
        ["BroadcastTo"] = new(new BroadcastToOp([2, 3]), [R(36, 1, 3)]),
        ["BroadcastToLike"] = new(BroadcastToLikeOp.Instance, [R(37, 1, 3), R(38, 2, 3)], Only: [0]),
        ["Concat"] = new(new ConcatOp(1), [R(39, 2, 3), R(40, 2, 2)]),
        ["ExpandDims"] = new(new ExpandDimsOp(1), [R(41, 2, 3)]),
        ["Gather"] = new(new GatherOp(0), [R(42, 4, 3)], xs => [xs[0], Indices]),
        ["GatherGrad"] = new(new GatherGradOp(0), [R(43, 3, 3), R(44, 4, 3)], xs => [xs[0], Indices, xs[1]], Only: [0]),
        ["Pad"] = new(new PadOp([[1, 0], [0, 2]], 0.5), [R(45, 2, 3)]),
        ["PadGrad"] = new(new PadGradOp([1, 0], [0, 2]), [R(46, 3, 5)]),
        ["ReduceToLike"] = new(ReduceToLikeOp.Instance, [R(47, 2, 3), R(48, 1, 3)], Only: [0]),
        ["Reshape"] = new(new ReshapeOp([3, -1]), [R(49, 2, 3)]),
        ["ReshapeLike"] = new(ReshapeLikeOp.Instance, [R(50, 2, 3), R(51, 3, 2)], Only: [0]),
        ["Slice"] = new(new SliceOp([0, 1], [2, 2]), [R(52, 2, 3)]),
        ["SliceGrad"] = new(new SliceGradOp([0, 1]), [R(53, 2, 2), R(54, 2, 3)], Only: [0]),
        ["Squeeze"] = new(new SqueezeOp([0]), [R(55, 1, 3)]),
        ["Tile"] = new(new TileOp([2, 1]), [R(56, 2, 3)]),
        ["TileGrad"] = new(new TileGradOp([2, 1]), [R(57, 4, 3), R(58, 2, 3)], Only: [0]),
        ["Transpose"] = new(new TransposeOp([1, 0]), [R(59, 2, 3)]),
        // Pooling
        ["MaxPool"] = new(new MaxPoolOp([2, 2], [1, 2], [0, 0, 1, 1]), [R(60, 2, 3, 4, 2)]),
        ["Scan"] = ScanCase(),
        ["MaxPoolGrad"] = new(new MaxPoolGradOp([2, 2], [1, 2], [0, 0, 1, 1]), [R(61, 2, 3, 2, 2), R(62, 2, 3, 4, 2)], Only: [0]),
        ["MaxPoolGradGrad"] = new(new MaxPoolGradGradOp([2, 2], [1, 2], [0, 0, 1, 1]), [R(63, 2, 3, 4, 2), R(64, 2, 3, 4, 2)], Only: [0]),
        ["AvgPool"] = new(new AvgPoolOp([3], [2], [1, 1]), [R(65, 2, 5, 3)]),
        ["AvgPoolGrad"] = new(new AvgPoolGradOp([3], [2], [1, 1]), [R(66, 2, 3, 3), R(67, 2, 5, 3)], Only: [0]),
        ["ResizeBilinear"] = new(new ResizeBilinearOp([5, 3]), [R(68, 1, 2, 4, 2)]),
        ["ResizeBilinearGrad"] = new(ResizeBilinearGradOp.Instance, [R(69, 1, 5, 3, 2), R(70, 1, 2, 4, 2)], Only: [0]),
    };

    /// <summary>
    /// A loop with two carries, h' = tanh(h @ w + x_t) and c' = c * 0.5 + h', of which only c is stacked (so the gradient
    /// recomputes the carries of every step), over 3 steps; w is captured.
    /// </summary>
    private static Case ScanCase()
    {
        var w = R(92, 3, 3);
        var (op, inputs, _) = ScanOp.Apply(x =>
        {
            var h = Ops.Tanh(Ops.Add(Ops.MatMul(x[0], w), x[2]));
            return [h, Ops.Add(Ops.Mul(x[1], Tensor.Scalar(0.5)), h)];
        }, [R(90, 2, 3), R(91, 2, 3)], [R(93, 3, 2, 3)], reverse: false, stacked: [1]);
        return new(op, inputs);
    }

    /// <summary>Registered ops that cannot have a gradient check, with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoGradientCheck = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ArgMax"] = "integer (index) output: no gradient",
        ["ArgMin"] = "integer (index) output: no gradient",
        ["Equal"] = "bool output: comparisons have no gradient",
        ["NotEqual"] = "bool output: comparisons have no gradient",
        ["Less"] = "bool output: comparisons have no gradient",
        ["LessEqual"] = "bool output: comparisons have no gradient",
        ["Greater"] = "bool output: comparisons have no gradient",
        ["GreaterEqual"] = "bool output: comparisons have no gradient",
        ["OneHot"] = "integer (index) input: no gradient",
        ["ReducedCount"] = "a count of reduced elements, which depends on the shape only: no gradient",
        ["StopGradient"] = "returns no gradient by definition (the tape test covers it)",
        ["RandomUniform"] = "a random draw: no gradient w.r.t. its state or its shape template (the ops using the values have one)",
        ["RandomNormal"] = "a random draw: no gradient w.r.t. its state or its shape template (the ops using the values have one)",
        ["AssignVariable"] = "a variable assignment (a side effect): no gradient flows through it",
    };

    /// <summary>The names of the cases, for the theory.</summary>
    public static TheoryData<string> CaseNames() => [.. Cases.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void EveryRegisteredOpHasAGradientCaseOrAReason()
    {
        var missing = OpRegistry.Names.Where(n => !Cases.ContainsKey(n) && !NoGradientCheck.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, "No gradient-check case and no reason for: " + string.Join(", ", missing));
        var stale = Cases.Keys.Concat(NoGradientCheck.Keys).Where(n => !OpRegistry.IsRegistered(n)).ToList();
        Assert.True(stale.Count == 0, "Entries for ops that are not registered: " + string.Join(", ", stale));
        Assert.Empty(Cases.Keys.Intersect(NoGradientCheck.Keys));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TapeGradientMatchesCentralDifferences(string name)
    {
        var c = Cases[name];
        Assert.Equal(name, c.Op.Name);
        GradientCheck.Check(xs => OpRunner.Run(c.Op, c.Arguments is null ? xs : c.Arguments(xs)), c.Inputs, only: c.Only);
    }
}

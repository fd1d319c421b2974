namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the math ops (<c>src/Runtime/Ops/Math/</c>).</summary>
internal static class OnnxMathMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<AbsOp>("Abs", Abs);
        OnnxOpMappings.Register<AddOp>("Add", Add);
        OnnxOpMappings.Register<CastOp>("Cast", Cast);
        OnnxOpMappings.Register<ClipOp>("Clip", Clip);
        OnnxOpMappings.Register<CompareOp>("Equal", Compare);
        OnnxOpMappings.Register<CompareOp>("NotEqual", Compare);
        OnnxOpMappings.Register<CompareOp>("Less", Compare);
        OnnxOpMappings.Register<CompareOp>("LessEqual", Compare);
        OnnxOpMappings.Register<CompareOp>("Greater", Compare);
        OnnxOpMappings.Register<CompareOp>("GreaterEqual", Compare);
        OnnxOpMappings.Register<DivOp>("Div", Div);
        OnnxOpMappings.Register<ErfOp>("Erf", Erf);
        OnnxOpMappings.Register<ExpOp>("Exp", Exp);
        OnnxOpMappings.Register<LogOp>("Log", Log);
        OnnxOpMappings.Register<MaximumOp>("Maximum", Maximum);
        OnnxOpMappings.Register<MinimumOp>("Minimum", Minimum);
        OnnxOpMappings.Register<MulOp>("Mul", Mul);
        OnnxOpMappings.Register<NegOp>("Neg", Neg);
        OnnxOpMappings.Register<PowOp>("Pow", Pow);
        OnnxOpMappings.Register<SignOp>("Sign", Sign);
        OnnxOpMappings.Register<SqrtOp>("Sqrt", Sqrt);
        OnnxOpMappings.Register<SquareOp>("Square", Square);
        OnnxOpMappings.Register<SubOp>("Sub", Sub);
        OnnxOpMappings.Register<WhereOp>("Where", Where);
    }
#pragma warning restore CA2255

    private static void Abs(AbsOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Abs", node.Inputs, node.Output);

    private static void Add(AddOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Add", node.Inputs, node.Output);

    private static void Cast(CastOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Cast", node.Inputs, node.Output, ("to", (long)OnnxNodeEmitter.ElemType(op.DType)));

    private static void Clip(ClipOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        string min = double.IsNegativeInfinity(op.Min) ? "" : emitter.ScalarConst("min", op.Min, node.OutputSpec.DType);
        string max = double.IsPositiveInfinity(op.Max) ? "" : emitter.ScalarConst("max", op.Max, node.OutputSpec.DType);
        emitter.Node("Clip", [node.Inputs[0], min, max], node.Output);
    }

    private static void Compare(CompareOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var ins = node.Inputs;
        string output = node.Output;
        switch (op.Comparison)
        {
            case Comparison.Equal: emitter.Node("Equal", ins, output); break;
            case Comparison.Less: emitter.Node("Less", ins, output); break;
            case Comparison.LessEqual: emitter.Node("LessOrEqual", ins, output); break;
            case Comparison.Greater: emitter.Node("Greater", ins, output); break;
            case Comparison.GreaterEqual: emitter.Node("GreaterOrEqual", ins, output); break;
            default:
                var eq = emitter.Temp("eq");
                emitter.Node("Equal", ins, eq);
                emitter.Node("Not", [eq], output);
                break;
        }
    }

    private static void Div(DivOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Div", node.Inputs, node.Output);

    private static void Erf(ErfOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Erf", node.Inputs, node.Output);

    private static void Exp(ExpOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Exp", node.Inputs, node.Output);

    private static void Log(LogOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Log", node.Inputs, node.Output);

    private static void Maximum(MaximumOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Max", node.Inputs, node.Output);

    private static void Minimum(MinimumOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Min", node.Inputs, node.Output);

    private static void Mul(MulOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Mul", node.Inputs, node.Output);

    private static void Neg(NegOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Neg", node.Inputs, node.Output);

    private static void Pow(PowOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Pow", node.Inputs, node.Output);

    private static void Sign(SignOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Sign", node.Inputs, node.Output);

    private static void Sqrt(SqrtOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Sqrt", node.Inputs, node.Output);

    private static void Square(SquareOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Mul", [node.Inputs[0], node.Inputs[0]], node.Output);

    private static void Sub(SubOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Sub", node.Inputs, node.Output);

    private static void Where(WhereOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Where", node.Inputs, node.Output);
}

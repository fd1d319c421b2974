namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the activation ops (<c>src/Runtime/Ops/Activation/</c>).</summary>
internal static class OnnxActivationMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<EluOp>("Elu", Elu);
        OnnxOpMappings.Register<GeluOp>("Gelu", Gelu);
        OnnxOpMappings.Register<LeakyReluOp>("LeakyRelu", LeakyRelu);
        OnnxOpMappings.Register<LstmCellUpdateOp>("LstmCellUpdate", LstmCellUpdate);
        OnnxOpMappings.Register<GruCellUpdateOp>("GruCellUpdate", GruCellUpdate);
        OnnxOpMappings.Register<LogSoftmaxOp>("LogSoftmax", LogSoftmax);
        OnnxOpMappings.Register<ReluOp>("Relu", Relu);
        OnnxOpMappings.Register<SigmoidOp>("Sigmoid", Sigmoid);
        OnnxOpMappings.Register<SoftmaxOp>("Softmax", Softmax);
        OnnxOpMappings.Register<SoftplusOp>("Softplus", Softplus);
        OnnxOpMappings.Register<TanhOp>("Tanh", Tanh);
        OnnxOpMappings.RegisterNoTranslation("ReluGrad", "a gradient-only op (the backward pass of Relu); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("LstmCellUpdateGrad", "a gradient-only op (the backward pass of LstmCellUpdate); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("GruCellUpdateGrad", "a gradient-only op (the backward pass of GruCellUpdate); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("SoftmaxGrad", "a gradient-only op (the backward pass of Softmax); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    private static void Elu(EluOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Elu", node.Inputs, node.Output, ("alpha", (float)op.Alpha));

    private static void Gelu(GeluOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var ins = node.Inputs;
        var dt = node.OutputSpec.DType;
        string inner;
        if (op.Approximate)
        {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            string x2 = emitter.Temp("x2"), x3 = emitter.Temp("x3"), cx3 = emitter.Temp("cx3"), sum = emitter.Temp("sum");
            emitter.Node("Mul", [ins[0], ins[0]], x2);
            emitter.Node("Mul", [x2, ins[0]], x3);
            emitter.Node("Mul", [x3, emitter.ScalarConst("c", 0.044715, dt)], cx3);
            emitter.Node("Add", [ins[0], cx3], sum);
            string scaled = emitter.Temp("scaled");
            emitter.Node("Mul", [sum, emitter.ScalarConst("k", Math.Sqrt(2 / Math.PI), dt)], scaled);
            inner = emitter.Temp("tanh");
            emitter.Node("Tanh", [scaled], inner);
        }
        else
        {
            // 0.5 x (1 + erf(x / sqrt(2)))
            string scaled = emitter.Temp("scaled");
            emitter.Node("Mul", [ins[0], emitter.ScalarConst("k", Math.Sqrt(0.5), dt)], scaled);
            inner = emitter.Temp("erf");
            emitter.Node("Erf", [scaled], inner);
        }
        string onePlus = emitter.Temp("one_plus"), xTimes = emitter.Temp("x_times");
        emitter.Node("Add", [inner, emitter.ScalarConst("one", 1, dt)], onePlus);
        emitter.Node("Mul", [ins[0], onePlus], xTimes);
        emitter.Node("Mul", [xTimes, emitter.ScalarConst("half", 0.5, dt)], node.Output);
    }

    private static void LeakyRelu(LeakyReluOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("LeakyRelu", node.Inputs, node.Output, ("alpha", (float)op.Alpha));

    /// <summary>Decomposed: Split of the gates, Sigmoid/Tanh, <c>c' = f c + i g</c>, <c>h' = o tanh(c')</c>, stacked by Unsqueeze and Concat.</summary>
    private static void LstmCellUpdate(LstmCellUpdateOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        string zi = emitter.Temp("z_i"), zf = emitter.Temp("z_f"), zc = emitter.Temp("z_c"), zo = emitter.Temp("z_o");
        emitter.Node("Split", [node.Inputs[0]], [zi, zf, zc, zo], ("axis", 1L));
        string i = emitter.Temp("i"), f = emitter.Temp("f"), g = emitter.Temp("g"), o = emitter.Temp("o");
        emitter.Node("Sigmoid", [zi], i);
        emitter.Node("Sigmoid", [zf], f);
        emitter.Node("Tanh", [zc], g);
        emitter.Node("Sigmoid", [zo], o);
        string fc = emitter.Temp("fc"), ig = emitter.Temp("ig"), c = emitter.Temp("c"), tc = emitter.Temp("tanh_c"), h = emitter.Temp("h");
        emitter.Node("Mul", [f, node.Inputs[1]], fc);
        emitter.Node("Mul", [i, g], ig);
        emitter.Node("Add", [fc, ig], c);
        emitter.Node("Tanh", [c], tc);
        emitter.Node("Mul", [o, tc], h);
        string axes = emitter.Const("axes", [0]), h1 = emitter.Temp("h_row"), c1 = emitter.Temp("c_row");
        emitter.Node("Unsqueeze", [h, axes], h1);
        emitter.Node("Unsqueeze", [c, axes], c1);
        emitter.Node("Concat", [h1, c1], node.Output, ("axis", 0L));
    }

    /// <summary>Decomposed: Split of both gate blocks, <c>z</c> and <c>r</c> by Add and Sigmoid, <c>hh = tanh(x_h + r inner_h)</c>, <c>h' = z h + (1 - z) hh</c>.</summary>
    private static void GruCellUpdate(GruCellUpdateOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var dt = node.OutputSpec.DType;
        string xz = emitter.Temp("x_z"), xr = emitter.Temp("x_r"), xh = emitter.Temp("x_h");
        string iz = emitter.Temp("inner_z"), ir = emitter.Temp("inner_r"), ih = emitter.Temp("inner_h");
        emitter.Node("Split", [node.Inputs[0]], [xz, xr, xh], ("axis", 1L));
        emitter.Node("Split", [node.Inputs[1]], [iz, ir, ih], ("axis", 1L));
        string sz = emitter.Temp("sum_z"), sr = emitter.Temp("sum_r"), z = emitter.Temp("z"), r = emitter.Temp("r");
        emitter.Node("Add", [xz, iz], sz);
        emitter.Node("Sigmoid", [sz], z);
        emitter.Node("Add", [xr, ir], sr);
        emitter.Node("Sigmoid", [sr], r);
        string rh = emitter.Temp("r_inner_h"), sh = emitter.Temp("sum_h"), hh = emitter.Temp("hh");
        emitter.Node("Mul", [r, ih], rh);
        emitter.Node("Add", [xh, rh], sh);
        emitter.Node("Tanh", [sh], hh);
        string zh = emitter.Temp("z_h"), oneMinusZ = emitter.Temp("one_minus_z"), rest = emitter.Temp("rest");
        emitter.Node("Mul", [z, node.Inputs[2]], zh);
        emitter.Node("Sub", [emitter.ScalarConst("one", 1, dt), z], oneMinusZ);
        emitter.Node("Mul", [oneMinusZ, hh], rest);
        emitter.Node("Add", [zh, rest], node.Output);
    }

    private static void LogSoftmax(LogSoftmaxOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("LogSoftmax", node.Inputs, node.Output, ("axis", (long)op.Axis));

    private static void Relu(ReluOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Relu", node.Inputs, node.Output);

    private static void Sigmoid(SigmoidOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Sigmoid", node.Inputs, node.Output);

    private static void Softmax(SoftmaxOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Softmax", node.Inputs, node.Output, ("axis", (long)op.Axis));

    private static void Softplus(SoftplusOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Softplus", node.Inputs, node.Output);

    private static void Tanh(TanhOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Tanh", node.Inputs, node.Output);
}

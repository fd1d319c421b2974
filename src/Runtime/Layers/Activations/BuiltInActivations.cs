namespace LayerGen;

/// <summary>
/// The built-in activations. Where the runtime has a dedicated op (<c>Ops.Relu</c>) it is used;
/// otherwise the function runs as a <see cref="ScalarFunctionOp"/>: an elementwise op defined by a
/// scalar function and its derivative, which runs eagerly, symbolically and under a tape like any op.
/// </summary>
internal static class BuiltInActivations
{
    private const double Sqrt2OverPi = 0.7978845608028654;

    public static IEnumerable<Activation> All()
    {
        yield return new Activation("linear", static x => x);
        yield return new Activation("relu", Ops.Relu);
        yield return new Activation("sigmoid", Sigmoid);
        yield return new Activation("tanh", Map("Tanh", Math.Tanh, static (x, y) => 1 - y * y));
        yield return new Activation("softplus", Map("Softplus", static x => x > 30 ? x : Math.Log(1 + Math.Exp(x)), static (x, _) => 1 / (1 + Math.Exp(-x))));
        yield return new Activation("softsign", Map("Softsign", static x => x / (1 + Math.Abs(x)), static (x, _) => 1 / ((1 + Math.Abs(x)) * (1 + Math.Abs(x)))));
        yield return new Activation("elu", Map("Elu", static x => x > 0 ? x : Math.Exp(x) - 1, static (x, y) => x > 0 ? 1 : y + 1));
        yield return new Activation("selu", Map("Selu",
            static x => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.Exp(x) - 1)),
            static (x, _) => 1.0507009873554805 * (x > 0 ? 1 : 1.6732632423543772 * Math.Exp(x))));
        yield return new Activation("leaky_relu", Map("LeakyRelu", static x => x > 0 ? x : 0.2 * x, static (x, _) => x > 0 ? 1 : 0.2));
        yield return new Activation("relu6", Map("Relu6", static x => Math.Clamp(x, 0, 6), static (x, _) => x > 0 && x < 6 ? 1 : 0));
        yield return new Activation("silu", Map("Silu", static x => x / (1 + Math.Exp(-x)), static (x, _) =>
        {
            double s = 1 / (1 + Math.Exp(-x));
            return s * (1 + x * (1 - s));
        }));
        yield return new Activation("swish", static x => Get("silu")(x));
        yield return new Activation("gelu", Map("Gelu", static x => 0.5 * x * (1 + Math.Tanh(Sqrt2OverPi * (x + 0.044715 * x * x * x))), static (x, _) =>
        {
            double u = Sqrt2OverPi * (x + 0.044715 * x * x * x);
            double t = Math.Tanh(u);
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * Sqrt2OverPi * (1 + 3 * 0.044715 * x * x);
        }));
        yield return new Activation("exponential", Map("Exp", Math.Exp, static (_, y) => y));
        yield return new Activation("hard_sigmoid", Map("HardSigmoid", static x => Math.Clamp(x / 6 + 0.5, 0, 1), static (x, _) => x > -3 && x < 3 ? 1.0 / 6 : 0));
        yield return new Activation("softmax", Softmax);
    }

    private static Func<Tensor, Tensor> Get(string name) => Activation.Get(name).Call;

    private static Func<Tensor, Tensor> Map(string name, Func<double, double> f, Func<double, double, double> derivative)
    {
        var op = new ScalarFunctionOp(name, f, derivative);
        return x => OpRunner.Run(op, x);
    }

    private static readonly ScalarFunctionOp SigmoidOp = new("Sigmoid",
        static x => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x)),
        static (_, y) => y * (1 - y));

    private static Tensor Sigmoid(Tensor x) => OpRunner.Run(SigmoidOp, x);

    private static readonly ScalarFunctionOp ExpOp = new("Exp", Math.Exp, static (_, y) => y);

    // softmax(x) = exp(x - max) / sum(exp(x - max)) over the last axis. The max shift is a constant
    // (it cancels in the gradient), so it is computed eagerly for concrete inputs.
    private static Tensor Softmax(Tensor x)
    {
        if (x.Rank == 0) return Ops.Div(x, x); // softmax of a scalar is 1
        Tensor shifted = x;
        if (!x.IsSymbolic)
        {
            var values = x.ToDoubleArray();
            int last = x.Shape[-1];
            var max = new double[values.Length / Math.Max(last, 1)];
            for (int r = 0; r < max.Length; r++)
            {
                double m = double.NegativeInfinity;
                for (int j = 0; j < last; j++) m = Math.Max(m, values[r * last + j]);
                max[r] = double.IsFinite(m) ? m : 0;
            }
            shifted = Ops.Sub(x, Tensor.FromDoubles(max, x.Shape.With(-1, 1), x.DType));
        }
        var e = OpRunner.Run(ExpOp, shifted);
        return Ops.Div(e, Ops.Sum(e, -1, keepDims: true));
    }
}

/// <summary>
/// An elementwise op defined by a scalar function <c>f</c> and its derivative <c>f'(x, f(x))</c>: the
/// fallback for activations without a dedicated op. Its gradient is another such op, so first
/// derivatives work everywhere (eagerly, symbolically, on tapes); higher ones are not supported.
/// </summary>
internal sealed class ScalarFunctionOp : UnaryElementwiseOp
{
    private readonly string _name;
    private readonly Func<double, double> _f;
    private readonly Func<double, double, double>? _derivative;

    public ScalarFunctionOp(string name, Func<double, double> f, Func<double, double, double>? derivative)
    {
        _name = name;
        _f = f;
        _derivative = derivative;
    }

    public override string Name => _name;

    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, TensorSpec output)
    {
        var x = inputs[0].ToDoubleArray();
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = _f(x[i]);
        return Tensor.FromDoubles(y, output.Shape, output.DType);
    }

    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (_derivative is null)
            throw new NotSupportedException($"{_name}: higher-order gradients of this activation are not supported yet.");
        var derivative = _derivative;
        var f = _f;
        var op = new ScalarFunctionOp(_name + "Grad", x => derivative(x, f(x)), null);
        return [Ops.Mul(g, OpRunner.Run(op, inputs[0]))];
    }
}

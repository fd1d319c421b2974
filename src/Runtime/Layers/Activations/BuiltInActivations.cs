namespace LayerGen;

/// <summary>
/// The built-in activations. Where the runtime has a dedicated op (<c>Ops.Relu</c>) it is used;
/// otherwise the function runs as a <see cref="ScalarFunctionOp"/>: an elementwise op defined by a
/// scalar function and its derivative, which runs eagerly, symbolically and under a tape like any op.
/// </summary>
internal static class BuiltInActivations
{
    public static IEnumerable<Activation> All()
    {
        yield return new Activation("linear", static x => x);
        yield return new Activation("relu", Ops.Relu);
        yield return new Activation("sigmoid", Ops.Sigmoid);
        yield return new Activation("tanh", Ops.Tanh);
        yield return new Activation("softplus", Ops.Softplus);
        yield return new Activation("softsign", Map("Softsign", static x => x / (1 + Math.Abs(x)), static (x, _) => 1 / ((1 + Math.Abs(x)) * (1 + Math.Abs(x)))));
        yield return new Activation("elu", static x => Ops.Elu(x));
        yield return new Activation("selu", Map("Selu",
            static x => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.Exp(x) - 1)),
            static (x, _) => 1.0507009873554805 * (x > 0 ? 1 : 1.6732632423543772 * Math.Exp(x))));
        yield return new Activation("leaky_relu", static x => Ops.LeakyRelu(x, 0.2));
        yield return new Activation("relu6", Map("Relu6", static x => Math.Clamp(x, 0, 6), static (x, _) => x > 0 && x < 6 ? 1 : 0));
        yield return new Activation("silu", Map("Silu", static x => x / (1 + Math.Exp(-x)), static (x, _) =>
        {
            double s = 1 / (1 + Math.Exp(-x));
            return s * (1 + x * (1 - s));
        }));
        yield return new Activation("swish", static x => Get("silu")(x));
        yield return new Activation("gelu", static x => Ops.Gelu(x));
        yield return new Activation("exponential", Ops.Exp);
        yield return new Activation("hard_sigmoid", Map("HardSigmoid", static x => Math.Clamp(x / 6 + 0.5, 0, 1), static (x, _) => x > -3 && x < 3 ? 1.0 / 6 : 0));
        yield return new Activation("softmax", static x => Ops.Softmax(x));
    }

    private static Func<Tensor, Tensor> Get(string name) => Activation.Get(name).Call;

    private static Func<Tensor, Tensor> Map(string name, Func<double, double> f, Func<double, double, double> derivative)
    {
        var op = new ScalarFunctionOp(name, f, derivative);
        return x => OpRunner.Run(op, x);
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

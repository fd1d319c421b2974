using System.Numerics;

namespace LayerGen.Operations;

/// <summary>
/// Einstein summation (<c>"abc,cde-&gt;abde"</c>) over any number of operands. Two operands whose labels form a
/// batched matrix product (batch labels in both operands and the output, free labels of each operand, summed labels
/// in both) run as strided products of the packed GEMM on the operands in place, with no transposed copies: that is
/// every equation of EinsumDense, MultiHeadAttention and their gradients. Other equations run a direct sum over
/// every label.
/// </summary>
/// <remarks>
/// Supported: <c>...</c> for broadcast leading or trailing axes, an implicit output (no <c>-&gt;</c>: the ellipsis
/// axes, then the labels that occur once, alphabetically), size-1 axes broadcasting against the other operands'
/// sizes of the same label, and labels summed in one operand only. Not supported: a label repeated within one
/// operand (a diagonal).
/// </remarks>
[Op("Einsum")]
public sealed partial class EinsumOp(string equation) : Op
{
    internal const string OpName = "Einsum";

    /// <summary>The equation, e.g. <c>"abc,cde-&gt;abde"</c>.</summary>
    public string Equation { get; } = equation ?? throw new ArgumentNullException(nameof(equation));

    // The last reading of the equation and the last kernel layout: replaced whole (immutable), so safe across threads;
    // a plan running the same shapes reads them without allocating.
    private EinsumEquation? _parsed;
    private EinsumLayout? _layout;

    /// <summary>The equation read for these operands (cached per operand ranks).</summary>
    internal EinsumEquation Read(ReadOnlySpan<TensorSpec> inputs)
    {
        var parsed = _parsed;
        if (parsed is not null && parsed.IsFor(inputs)) return parsed;
        parsed = EinsumEquation.Parse(Equation, inputs);
        _parsed = parsed;
        return parsed;
    }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        if (inputs.Length == 0) throw new ArgumentException("Einsum: expected at least one operand.");
        for (int i = 0; i < inputs.Length; i++)
        {
            ExpectNumeric(inputs[i], $"operand {i}");
            if (inputs[i].DType != inputs[0].DType)
                throw new DTypeMismatchException(Name, $"operands have different dtypes: {inputs[0].DType.Name()} {inputs[0].Shape} and {inputs[i].DType.Name()} {inputs[i].Shape} (operand {i}).");
        }
        var eq = Read(inputs);
        var sizes = eq.Sizes(inputs);
        var dims = new int[eq.Output.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = sizes[eq.Output[i]];
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var layout = _layout;
        if (layout is null || !layout.IsFor(inputs))
        {
            Span<TensorSpec> specs = new TensorSpec[inputs.Length];
            for (int i = 0; i < inputs.Length; i++) specs[i] = inputs[i].Spec;
            layout = EinsumLayout.Create(Read(specs), specs, output.Shape);
            _layout = layout;
        }
        var result = output.Allocate(zeroed: false);
        switch (output.DType)
        {
            case DType.Float32: EinsumKernel.RunFloat(inputs, result, layout); break;
            case DType.Float64: EinsumKernel.RunDouble(inputs, result, layout); break;
            case DType.Int32: EinsumKernel.Direct<int>(inputs, result, layout); break;
            case DType.Int64: EinsumKernel.Direct<long>(inputs, result, layout); break;
            default: throw new DTypeMismatchException(Name, $"dtype {output.DType.Name()} is not supported.");
        }
        return result;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var needed = new bool[inputs.Count];
        Array.Fill(needed, true);
        return Gradient(g, inputs, output, needed);
    }

    /// <summary>
    /// One einsum per operand: the output gradient and the other operands contracted to the operand's labels; labels
    /// summed in that operand alone are broadcast back, and size-1 axes that broadcast are summed back.
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
    {
        var specs = new TensorSpec[inputs.Count];
        for (int i = 0; i < specs.Length; i++) specs[i] = inputs[i].Spec;
        var eq = Read(specs);
        var grads = new Tensor?[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!needed[i]) continue;
            var terms = new List<string> { eq.Output };
            var operands = new List<Tensor> { g };
            for (int j = 0; j < inputs.Count; j++)
                if (j != i) { terms.Add(eq.Terms[j]); operands.Add(inputs[j]); }
            string own = eq.Terms[i];
            string target = new([.. own.Where(l => terms.Any(t => t.Contains(l)))]);
            var grad = Ops.Einsum(EinsumEquation.Write(terms, target), [.. operands]);
            for (int a = 0; a < own.Length; a++)
                if (!target.Contains(own[a])) grad = Ops.ExpandDims(grad, a);
            grads[i] = FitTo(grad, inputs[i]);
        }
        return grads;
    }

    /// <summary>Sums axes that broadcast in the forward pass and broadcasts axes of size 1 up to <paramref name="input"/>'s.</summary>
    private static Tensor FitTo(Tensor grad, Tensor input)
    {
        if (!grad.IsSymbolic && !input.IsSymbolic && grad.Shape == input.Shape) return grad;
        bool reduce = false, expand = false;
        for (int a = 0; a < grad.Rank; a++)
        {
            int dg = grad.Shape[a], di = input.Shape[a];
            if (dg == di) continue;
            if (di == 1) reduce = true;
            else if (dg == 1) expand = true;
            else { reduce = true; expand = true; } // an unknown size: let the ops decide when they run
        }
        if (reduce && expand && grad.Shape.IsFullyDefined && input.Shape.IsFullyDefined)
        {
            // Both at once (size 1 here and there): broadcast to the larger of each axis first.
            var dims = new int[grad.Rank];
            for (int a = 0; a < dims.Length; a++) dims[a] = Math.Max(grad.Shape[a], input.Shape[a]);
            return Ops.ReduceToLike(Ops.BroadcastTo(grad, new Shape(dims)), input);
        }
        if (reduce) grad = Ops.ReduceToLike(grad, input);
        if (expand) grad = Ops.BroadcastToLike(grad, input);
        return grad;
    }
}

public static partial class Ops
{
    /// <summary>
    /// Einstein summation over the operands, e.g. <c>Einsum("abc,cde-&gt;abde", x, kernel)</c> or
    /// <c>Einsum("...ij,...jk-&gt;...ik", a, b)</c>. Batched matrix products (with operands in any axis order) run on
    /// the packed GEMM without copies. A label repeated in one operand (a diagonal) is not supported.
    /// </summary>
    /// <exception cref="EinsumEquationException">The equation cannot be read.</exception>
    /// <exception cref="ShapeMismatchException">An operand's rank does not match its subscripts, or a label has two sizes.</exception>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        if (operands.Length == 0)
            throw new ArgumentException("Einsum needs at least one operand.", nameof(operands));
        foreach (var t in operands) ArgumentNullException.ThrowIfNull(t, nameof(operands));
        return OpRunner.Run(new EinsumOp(equation), operands);
    }
}

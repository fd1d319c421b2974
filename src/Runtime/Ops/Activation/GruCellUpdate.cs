using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace LayerGen.Operations;

/// <summary>
/// The elementwise part of one GRU step (Keras's <c>reset_after=True</c>, its default, with sigmoid and tanh), in one
/// pass: from the projected step <c>x</c> <c>(batch, 3 * units)</c> (<c>x @ kernel + input_bias</c>, gates z, r, h), the
/// recurrent pre-activations <c>inner</c> <c>(batch, 3 * units)</c> (<c>h @ recurrent_kernel + recurrent_bias</c>) and the
/// previous state <c>h</c> <c>(batch, units)</c>: <c>z = sigmoid(x_z + inner_z)</c>, <c>r = sigmoid(x_r + inner_r)</c>,
/// <c>hh = tanh(x_h + r * inner_h)</c> and <c>h' = z * h + (1 - z) * hh</c>. Each value is computed with the same float
/// operations as the unfused ops (<see cref="SigmoidOp"/>, <see cref="TanhOp"/>, Add, Mul, Sub), so the result is
/// bitwise equal to <c>GRUCell</c>'s general path; one pass over a row instead of fifteen ops (six slices, three
/// activations, the update) each reading and writing the whole step. The gradient is one
/// <see cref="GruCellUpdateGradOp"/> when the shapes are known, else the same formulas written with ops.
/// <see cref="Layers.GRUCell"/> uses it with <c>reset_after</c> and its built-in activations. ONNX: decomposed into Split,
/// Add, Sigmoid, Mul, Tanh and Sub.
/// </summary>
[Op("GruCellUpdate")]
public sealed partial class GruCellUpdateOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly GruCellUpdateOp Instance = new();

    /// <summary>Rows of up to this many scratch values keep them on the stack.</summary>
    private const int StackScratch = 4096;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 3);
        ExpectFloating(inputs[0], "x");
        ExpectSameDType(inputs[0], inputs[1]);
        ExpectSameDType(inputs[0], inputs[2]);
        Shape x = inputs[0].Shape, inner = inputs[1].Shape, h = inputs[2].Shape;
        if (x.Rank != 2 || inner.Rank != 2 || h.Rank != 2)
            throw new ShapeMismatchException(Name, $"expected the projected step (batch, 3 * units), the recurrent pre-activations (batch, 3 * units) and the state (batch, units), got shapes {x}, {inner} and {h}.", x, inner, h);
        int units = h[1];
        if (units == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the number of units (the state's last dimension) must be known, got state shape {h}.", h);
        foreach (var s in new[] { x, inner })
            if (s[1] != Shape.Unknown && s[1] != 3 * units)
                throw new ShapeMismatchException(Name, $"the projected step and the recurrent pre-activations need 3 * units = {3 * units} columns for a state of shape {h}, got shapes {x} and {inner}.", x, inner, h);
        int batch = Shape.Unknown;
        foreach (var s in new[] { x, inner, h })
        {
            if (s[0] == Shape.Unknown) continue;
            if (batch != Shape.Unknown && s[0] != batch)
                throw new ShapeMismatchException(Name, $"the projected step (shape {x}), the recurrent pre-activations (shape {inner}) and the state (shape {h}) have different batch sizes.", x, inner, h);
            batch = s[0];
        }
        return new(new Shape(batch, units), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => CellPass.Compute<Kernel>(inputs, output, stateInput: 2, gatesPerUnit: 3);

    /// <summary>Rows of the step (<see cref="CellPass"/>): <c>a</c> = x, <c>b</c> = inner, <c>c</c> = the previous state; the output the new state.</summary>
    private readonly struct Kernel : ICellKernel
    {
        public static void Rows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int first, int last,
            CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
            => Run(a, b, c, output, units, first, last, sigmoid, tanh);
    }

    /// <summary>Row by row: z and r into a scratch row, then hh, then <c>h'</c> into the output row.</summary>
    private static void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> inner, ReadOnlySpan<T> h, Span<T> result, int units, int first, int last,
        CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = 3 * units;
        T[]? rented = null;
        // The scratch: z, r, then hh, then 1 - z.
        Span<T> scratch = 2 * gates <= StackScratch ? stackalloc T[2 * gates] : (rented = ArrayPool<T>.Shared.Rent(2 * gates));
        try
        {
            Span<T> zr = scratch[..(2 * units)], z = scratch[..units], r = scratch.Slice(units, units);
            Span<T> hh = scratch.Slice(2 * units, units), oneMinusZ = scratch.Slice(3 * units, units);
            for (int b = first; b < last; b++)
            {
                ReadOnlySpan<T> xRow = x.Slice(b * gates, gates), innerRow = inner.Slice(b * gates, gates), hRow = h.Slice(b * units, units);
                var hNew = result.Slice(b * units, units);
                // z and r: one sum and one sigmoid over their adjacent columns.
                TensorPrimitives.Add(xRow[..(2 * units)], innerRow[..(2 * units)], zr);
                sigmoid(zr, zr);
                // hh = tanh(x_h + r * inner_h), with the unfused ops' roundings (the product, then the sum).
                TensorPrimitives.Multiply(r, innerRow.Slice(2 * units, units), hh);
                TensorPrimitives.Add(xRow.Slice(2 * units, units), hh, hh);
                tanh(hh, hh);
                // h' = z * h + (1 - z) * hh: two products, then the sum.
                TensorPrimitives.Multiply(z, hRow, hNew);
                TensorPrimitives.Subtract(T.One, z, oneMinusZ);
                TensorPrimitives.Multiply(oneMinusZ, hh, oneMinusZ);
                TensorPrimitives.Add(hNew, oneMinusZ, hNew);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// With known shapes, one <see cref="GruCellUpdateGradOp"/> (the activations recomputed in one pass) cut into
    /// <c>dx</c>, <c>d inner</c> and <c>dh</c>; else (a trace with an unknown batch) the same formulas written with ops.
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0], inner = inputs[1], h = inputs[2];
        if (x.Shape.IsFullyDefined && inner.Shape.IsFullyDefined && h.Shape.IsFullyDefined)
        {
            var all = Ops.GruCellUpdateGrad(x, inner, h, g);
            int gates = x.Shape.Size, cells = h.Shape.Size;
            return [Ops.Reshape(Ops.Slice(all, [0], [gates]), x.Shape), Ops.Reshape(Ops.Slice(all, [gates], [gates]), inner.Shape),
                Ops.Reshape(Ops.Slice(all, [2 * gates], [cells]), h.Shape)];
        }
        var (dx, dInner, dh) = GruCellUpdateGradOp.Pieces(x, inner, h, g);
        return [dx, dInner, dh];
    }
}

public static partial class Ops
{
    /// <summary>
    /// One GRU step's gates and state update (Keras's <c>reset_after=True</c>, sigmoid gates, tanh): the new state
    /// <c>(batch, units)</c> from the projected step <paramref name="x"/> <c>(batch, 3 * units)</c>, the recurrent
    /// pre-activations <paramref name="inner"/> <c>(batch, 3 * units)</c> (gates z, r, h) and the previous state
    /// <paramref name="h"/> (<see cref="GruCellUpdateOp"/>).
    /// </summary>
    public static Tensor GruCellUpdate(Tensor x, Tensor inner, Tensor h) => OpRunner.Run(GruCellUpdateOp.Instance, x, inner, h);
}

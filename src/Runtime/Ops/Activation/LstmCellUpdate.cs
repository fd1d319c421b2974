using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace LayerGen.Operations;

/// <summary>
/// The elementwise part of one LSTM step with Keras's default activations, in one pass: from the gate pre-activations
/// <c>z</c> <c>(batch, 4 * units)</c> (Keras's gate order i, f, c, o: <c>x @ kernel + h @ recurrent_kernel + bias</c>) and
/// the previous cell state <c>c</c> <c>(batch, units)</c>, <c>c' = sigmoid(z_f) * c + sigmoid(z_i) * tanh(z_c)</c> and
/// <c>h' = sigmoid(z_o) * tanh(c')</c>, returned stacked as <c>(2, batch, units)</c>: <c>[h', c']</c>. Each value is
/// computed with the same float operations as the unfused ops (<see cref="SigmoidOp"/>, <see cref="TanhOp"/>, Mul, Add), so
/// the results are bitwise equal to <c>LSTMCell</c>'s general path (float64 with fewer than 4 units: within an ulp, as
/// TensorPrimitives' scalar float64 sigmoid on rows that short may round differently from its vector path); one pass over a row instead of ten ops (four
/// slices, five activations, the cell update) each reading and writing the whole step. The gradient is written with
/// ops: one <see cref="LstmCellUpdateGradOp"/> when the shapes are known (the activations recomputed from <c>z</c> in
/// one pass), else the composite ops. <see cref="Layers.LSTMCell"/> uses it when its activations are tanh and
/// sigmoid. ONNX: decomposed into Split, Sigmoid, Tanh, Mul, Add, Unsqueeze and Concat.
/// </summary>
[Op("LstmCellUpdate")]
public sealed partial class LstmCellUpdateOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly LstmCellUpdateOp Instance = new();

    /// <summary>Rows of up to this many gate values keep their scratch on the stack.</summary>
    private const int StackGates = 4096;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "z");
        ExpectSameDType(inputs[0], inputs[1]);
        Shape z = inputs[0].Shape, c = inputs[1].Shape;
        if (z.Rank != 2 || c.Rank != 2)
            throw new ShapeMismatchException(Name, $"expected gate pre-activations (batch, 4 * units) and a cell state (batch, units), got shapes {z} and {c}.", z, c);
        int units = c[1];
        if (units == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the number of units (the cell state's last dimension) must be known, got cell state shape {c}.", c);
        if (z[1] != Shape.Unknown && z[1] != 4 * units)
            throw new ShapeMismatchException(Name, $"the gate pre-activations need 4 * units = {4 * units} columns for a cell state of shape {c}, got shape {z}.", z, c);
        if (z[0] != Shape.Unknown && c[0] != Shape.Unknown && z[0] != c[0])
            throw new ShapeMismatchException(Name, $"the gate pre-activations (shape {z}) and the cell state (shape {c}) have different batch sizes.", z, c);
        return new(new Shape(2, z[0] == Shape.Unknown ? c[0] : z[0], units), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => CellPass.Compute<Kernel>(inputs, output, stateInput: 1, gatesPerUnit: 4);

    /// <summary>Rows of the step (<see cref="CellPass"/>): <c>a</c> = z, <c>b</c> = the previous cell state, the output [h', c'].</summary>
    private readonly struct Kernel : ICellKernel
    {
        public static void Rows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int first, int last,
            CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
            => Run(a, b, output, batch, units, first, last, sigmoid, tanh);
    }

    /// <summary>Row by row: the four activations into a scratch row, then <c>c'</c> and <c>h'</c> into the two output slots.</summary>
    private static void Run<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> cPrevious, Span<T> result, int batch, int units, int first, int last,
        CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = 4 * units;
        T[]? rented = null;
        // The scratch: i, f, tanh(z_c), o, then one row of tanh(c').
        Span<T> scratch = gates + units <= StackGates ? stackalloc T[gates + units] : (rented = ArrayPool<T>.Shared.Rent(gates + units));
        try
        {
            Span<T> i = scratch[..units], f = scratch.Slice(units, units), g = scratch.Slice(2 * units, units), o = scratch.Slice(3 * units, units);
            Span<T> tanhC = scratch.Slice(gates, units);
            Span<T> hOut = result[..(batch * units)], cOut = result.Slice(batch * units, batch * units);
            for (int b = first; b < last; b++)
            {
                var row = z.Slice(b * gates, gates);
                sigmoid(row[..(2 * units)], scratch[..(2 * units)]);
                tanh(row.Slice(2 * units, units), g);
                sigmoid(row.Slice(3 * units, units), o);
                var cNew = cOut.Slice(b * units, units);
                // f * c + i * g with the unfused ops' roundings (two products, then the sum).
                TensorPrimitives.Multiply(f, cPrevious.Slice(b * units, units), cNew);
                TensorPrimitives.Multiply(i, g, i);
                TensorPrimitives.Add(cNew, i, cNew);
                tanh(cNew, tanhC);
                TensorPrimitives.Multiply(o, tanhC, hOut.Slice(b * units, units));
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// With <c>dc = g_c + g_h * o * tanh'(c')</c>: <c>dz = [dc * g * i', dc * c * f', dc * i * tanh'(z_c), g_h * tanh(c') * o']</c>
    /// and <c>dc_previous = dc * f</c>, the activations recomputed from <c>z</c>: with known shapes one
    /// <see cref="LstmCellUpdateGradOp"/>; else (a trace with an unknown batch) the ops, the derivatives as
    /// <see cref="SigmoidOp"/>'s and <see cref="TanhOp"/>'s gradients give them.
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        Tensor z = inputs[0], cPrevious = inputs[1];
        if (z.Shape.IsFullyDefined && cPrevious.Shape.IsFullyDefined)
        {
            // One pass (LstmCellUpdateGrad): dz, then dc, contiguous in one flat result.
            var both = Ops.LstmCellUpdateGrad(z, cPrevious, output, g);
            int gates = z.Shape.Size, cells = cPrevious.Shape.Size;
            return [Ops.Reshape(Ops.Slice(both, [0], [gates]), z.Shape), Ops.Reshape(Ops.Slice(both, [gates], [cells]), cPrevious.Shape)];
        }
        var parts = Ops.Split(z, 4, axis: 1);
        Tensor i = Ops.Sigmoid(parts[0]), f = Ops.Sigmoid(parts[1]), candidate = Ops.Tanh(parts[2]), o = Ops.Sigmoid(parts[3]);
        var c = Ops.IndexAxis0(output, 1);
        var tanhC = Ops.Tanh(c);
        Tensor gh = Ops.IndexAxis0(g, 0), gc = Ops.IndexAxis0(g, 1);
        var dc = Ops.Add(gc, TanhOp.Instance.Gradient(Ops.Mul(gh, o), [c], tanhC)[0]!);
        var dzi = SigmoidOp.Instance.Gradient(Ops.Mul(dc, candidate), [parts[0]], i)[0]!;
        var dzf = SigmoidOp.Instance.Gradient(Ops.Mul(dc, cPrevious), [parts[1]], f)[0]!;
        var dzc = TanhOp.Instance.Gradient(Ops.Mul(dc, i), [parts[2]], candidate)[0]!;
        var dzo = SigmoidOp.Instance.Gradient(Ops.Mul(gh, tanhC), [parts[3]], o)[0]!;
        return [Ops.Concat([dzi, dzf, dzc, dzo], 1), Ops.Mul(dc, f)];
    }
}

public static partial class Ops
{
    /// <summary>
    /// One LSTM step's gates and state update with sigmoid gates and tanh (Keras's defaults): <c>[h', c']</c> stacked as
    /// <c>(2, batch, units)</c> from the gate pre-activations <paramref name="z"/> <c>(batch, 4 * units)</c>, gates i, f, c, o,
    /// and the previous cell state <paramref name="c"/> <c>(batch, units)</c>.
    /// </summary>
    public static Tensor LstmCellUpdate(Tensor z, Tensor c) => OpRunner.Run(LstmCellUpdateOp.Instance, z, c);
}

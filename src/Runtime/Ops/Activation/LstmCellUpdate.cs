using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

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
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor z = inputs[0], c = inputs[1];
        var r = output.Allocate(zeroed: false);
        int batch = c.Shape[0], units = c.Shape[1];
        if (z.DType == DType.Float32) Split<float>(z.Lend<float>(), c.Lend<float>(), r.Lend<float>(), batch, units);
        else Split<double>(z.Lend<double>(), c.Lend<double>(), r.Lend<double>(), batch, units);
        GC.KeepAlive(z);
        GC.KeepAlive(c);
        return r;
    }

    private delegate void Activation<T>(ReadOnlySpan<T> x, Span<T> destination);

    /// <summary>
    /// Rows split over the fork-join pool in fixed chunks of whole rows when the step has at least
    /// <see cref="ParallelGates"/> gate values (each row's values do not depend on which thread computes them, so the
    /// bits are those of one thread); else one pass on the calling thread.
    /// </summary>
    private static unsafe void Split<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> cPrevious, Span<T> result, int batch, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = 4 * units;
        if ((long)batch * gates < ParallelGates || ForkJoin.MaxParallelism == 1 || batch < 2)
        {
            Run(z, cPrevious, result, batch, units, 0, batch);
            return;
        }
        int perChunk = Math.Max(1, ChunkGates / gates);
        fixed (T* pz = z, pc = cPrevious, pr = result)
        {
            var job = t_job ??= new Job();
            job.SetStep(pz, pc, pr, batch, units, perChunk, typeof(T) == typeof(double));
            try { ForkJoin.RunChunks((batch + perChunk - 1) / perChunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>Steps with at least this many gate values split their rows over the cores.</summary>
    private const int ParallelGates = 1 << 14;

    /// <summary>About this many gate values per chunk of rows.</summary>
    private const int ChunkGates = 1 << 13;

    [ThreadStatic] private static Job? t_job;

    /// <summary>A chunk of rows: <c>A</c> = z, <c>B</c> = the previous cell state, <c>Out</c> = the stacked result.</summary>
    private sealed unsafe class Job : RowChunkJob
    {
        private int _batch;

        /// <summary>Sets the operands (<paramref name="batch"/> rows of <paramref name="units"/> cells).</summary>
        public void SetStep(void* z, void* c, void* result, int batch, int units, int perChunk, bool isDouble)
        {
            _batch = batch;
            Set(z, c, null, result, batch, units, perChunk, isDouble, 0);
        }

        protected override void RowsSingle(int first, int last) => Rows<float>(first, last);

        protected override void RowsDouble(int first, int last) => Rows<double>(first, last);

        private void Rows<T>(int first, int last) where T : unmanaged, IFloatingPointIeee754<T>
            => Run(new ReadOnlySpan<T>(A, _batch * 4 * N), new ReadOnlySpan<T>(B, _batch * N), new Span<T>(Out, 2 * _batch * N), _batch, N, first, last);
    }

    /// <summary>Rows <paramref name="first"/> to <paramref name="last"/> (exclusive) of the whole step's spans.</summary>
    private static void Run<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> cPrevious, Span<T> result, int batch, int units, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Run(z, cPrevious, result, batch, units, first, last, (Activation<T>)(object)(Activation<float>)SigmoidKernel.Sigmoid, (Activation<T>)(object)(Activation<float>)TanhKernel.Tanh);
        else
            Run(z, cPrevious, result, batch, units, first, last, (Activation<T>)(object)(Activation<double>)SigmoidKernel.Sigmoid, (Activation<T>)(object)(Activation<double>)TanhKernel.Tanh);
    }

    /// <summary>Row by row: the four activations into a scratch row, then <c>c'</c> and <c>h'</c> into the two output slots.</summary>
    private static void Run<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> cPrevious, Span<T> result, int batch, int units, int first, int last,
        Activation<T> sigmoid, Activation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
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

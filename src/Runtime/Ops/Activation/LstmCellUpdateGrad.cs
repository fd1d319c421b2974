using System.Buffers;
using System.Numerics;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of <see cref="LstmCellUpdateOp"/> in one pass per row. Inputs: the gate pre-activations <c>z</c>
/// <c>(batch, 4 * units)</c>, the previous cell state <c>c</c> <c>(batch, units)</c>, the forward op's output
/// <c>[h', c']</c> <c>(2, batch, units)</c> and its upstream gradient <c>[g_h, g_c]</c> <c>(2, batch, units)</c>. Output:
/// one flat vector, <c>dz</c> <c>(batch, 4 * units)</c> row-major, then <c>dc</c> <c>(batch, units)</c>, so both are
/// contiguous pieces (<see cref="Ops.Slice(Tensor, int[], int[])"/> and Reshape cut them without copying in a plan).
/// With the activations recomputed from <c>z</c> (i, f, o sigmoids, <c>tanh(z_c)</c>) and <c>tanh(c')</c>,
/// <c>dc' = g_c + g_h · o · (1 − tanh²(c'))</c>, <c>dz = [dc'·tanh(z_c)·i(1−i), dc'·c·f(1−f), dc'·i·(1−tanh²(z_c)),
/// g_h·tanh(c')·o(1−o)]</c> and <c>dc = dc'·f</c>: the twenty-odd ops of the composite gradient (each reading and writing
/// a whole step) in one pass over a row. Its own gradient (second order) is written with ops.
/// ONNX: no translation (a gradient-only op, as SoftmaxGrad).
/// </summary>
[Op("LstmCellUpdateGrad")]
public sealed partial class LstmCellUpdateGradOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly LstmCellUpdateGradOp Instance = new();

    /// <summary>Rows of up to this many scratch values keep them on the stack.</summary>
    private const int StackScratch = 4096;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 4);
        ExpectFloating(inputs[0], "z");
        for (int k = 1; k < 4; k++) ExpectSameDType(inputs[0], inputs[k]);
        Shape z = inputs[0].Shape, c = inputs[1].Shape, hc = inputs[2].Shape, g = inputs[3].Shape;
        if (z.Rank != 2 || c.Rank != 2 || hc.Rank != 3 || g.Rank != 3)
            throw new ShapeMismatchException(Name, $"expected z (batch, 4 * units), c (batch, units), the output [h', c'] (2, batch, units) and its gradient (2, batch, units), got shapes {z}, {c}, {hc} and {g}.", z, c, hc, g);
        int units = c[1], batch = c[0];
        if (units == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the number of units (the cell state's last dimension) must be known, got cell state shape {c}.", c);
        bool Fits(int d, int want) => d == Shape.Unknown || want == Shape.Unknown || d == want;
        if (!Fits(z[1], 4 * units) || !Fits(z[0], batch))
            throw new ShapeMismatchException(Name, $"the gate pre-activations need shape ({batch}, {4 * units}) for a cell state of shape {c}, got shape {z}.", z, c);
        foreach (var s in new[] { hc, g })
            if (!Fits(s[0], 2) || !Fits(s[1], batch) || !Fits(s[2], units))
                throw new ShapeMismatchException(Name, $"the output and its gradient must have shape (2, {batch}, {units}) for a cell state of shape {c}, got shapes {hc} and {g}.", hc, g, c);
        if (batch == Shape.Unknown) batch = z[0];
        return new(new Shape(batch == Shape.Unknown ? Shape.Unknown : 5 * batch * units), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => CellPass.Compute<Kernel>(inputs, output, stateInput: 1, gatesPerUnit: 4);

    /// <summary>Rows of the step (<see cref="CellPass"/>): <c>a</c> = z, <c>b</c> = the previous cell state, <c>c</c> = the forward result, <c>d</c> = its gradient; the output (dz, dc).</summary>
    private readonly struct Kernel : ICellKernel
    {
        public static void Rows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int first, int last,
            CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
            => Run(a, b, c, d, output, batch, units, first, last, sigmoid, tanh);
    }

    private static void Run<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> cPrevious, ReadOnlySpan<T> hc, ReadOnlySpan<T> g, Span<T> result,
        int batch, int units, int first, int last, CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = 4 * units, n = batch * units;
        T[]? rented = null;
        // The scratch: i, f, tanh(z_c), o, then tanh(c').
        Span<T> scratch = gates + units <= StackScratch ? stackalloc T[gates + units] : (rented = ArrayPool<T>.Shared.Rent(gates + units));
        try
        {
            Span<T> act = scratch[..gates], tanhC = scratch.Slice(gates, units);
            ReadOnlySpan<T> cNew = hc.Slice(n, n), gh = g[..n], gc = g.Slice(n, n);
            Span<T> dz = result[..(batch * gates)], dc = result.Slice(batch * gates, n);
            for (int b = first; b < last; b++)
            {
                var row = z.Slice(b * gates, gates);
                sigmoid(row[..(2 * units)], act[..(2 * units)]);
                tanh(row.Slice(2 * units, units), act.Slice(2 * units, units));
                sigmoid(row.Slice(3 * units, units), act.Slice(3 * units, units));
                int at = b * units;
                tanh(cNew.Slice(at, units), tanhC);
                Row(act, tanhC, cPrevious.Slice(at, units), gh.Slice(at, units), gc.Slice(at, units), dz.Slice(b * gates, gates), dc.Slice(at, units), units);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>One row's gradients from its activations (vectorized, scalar tail).</summary>
    private static void Row<T>(ReadOnlySpan<T> act, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> cPrevious, ReadOnlySpan<T> gh, ReadOnlySpan<T> gc,
        Span<T> dz, Span<T> dc, int units) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> i = act[..units], f = act.Slice(units, units), cand = act.Slice(2 * units, units), o = act.Slice(3 * units, units);
        Span<T> dzi = dz[..units], dzf = dz.Slice(units, units), dzc = dz.Slice(2 * units, units), dzo = dz.Slice(3 * units, units);
        int j = 0;
        if (Vector.IsHardwareAccelerated && units >= Vector<T>.Count)
        {
            var one = Vector<T>.One;
            for (; j <= units - Vector<T>.Count; j += Vector<T>.Count)
            {
                var vi = new Vector<T>(i[j..]);
                var vf = new Vector<T>(f[j..]);
                var vg = new Vector<T>(cand[j..]);
                var vo = new Vector<T>(o[j..]);
                var vt = new Vector<T>(tanhC[j..]);
                var vh = new Vector<T>(gh[j..]);
                var d = new Vector<T>(gc[j..]) + vh * vo * (one - vt * vt);
                (d * vg * vi * (one - vi)).CopyTo(dzi[j..]);
                (d * new Vector<T>(cPrevious[j..]) * vf * (one - vf)).CopyTo(dzf[j..]);
                (d * vi * (one - vg * vg)).CopyTo(dzc[j..]);
                (vh * vt * vo * (one - vo)).CopyTo(dzo[j..]);
                (d * vf).CopyTo(dc[j..]);
            }
        }
        for (; j < units; j++)
        {
            T vi = i[j], vf = f[j], vg = cand[j], vo = o[j], vt = tanhC[j], vh = gh[j];
            var d = gc[j] + vh * vo * (T.One - vt * vt);
            dzi[j] = d * vg * vi * (T.One - vi);
            dzf[j] = d * cPrevious[j] * vf * (T.One - vf);
            dzc[j] = d * vi * (T.One - vg * vg);
            dzo[j] = vh * vt * vo * (T.One - vo);
            dc[j] = d * vf;
        }
    }

    /// <summary>The op's computation written with ops: <c>dz</c> and <c>dc</c> flattened and joined, as the kernel lays them out.</summary>
    internal static Tensor Composite(Tensor z, Tensor cPrevious, Tensor hc, Tensor g)
    {
        var parts = Ops.Split(z, 4, axis: 1);
        Tensor i = Ops.Sigmoid(parts[0]), f = Ops.Sigmoid(parts[1]), candidate = Ops.Tanh(parts[2]), o = Ops.Sigmoid(parts[3]);
        var one = Tensor.Scalar(1, z.DType);
        Tensor SigmoidSlope(Tensor s) => Ops.Mul(s, Ops.Sub(one, s));
        Tensor TanhSlope(Tensor t) => Ops.Sub(one, Ops.Square(t));
        var tanhC = Ops.Tanh(Ops.IndexAxis0(hc, 1));
        Tensor gh = Ops.IndexAxis0(g, 0), gc = Ops.IndexAxis0(g, 1);
        var dc = Ops.Add(gc, Ops.Mul(Ops.Mul(gh, o), TanhSlope(tanhC)));
        var dzi = Ops.Mul(Ops.Mul(dc, candidate), SigmoidSlope(i));
        var dzf = Ops.Mul(Ops.Mul(dc, cPrevious), SigmoidSlope(f));
        var dzc = Ops.Mul(Ops.Mul(dc, i), TanhSlope(candidate));
        var dzo = Ops.Mul(Ops.Mul(gh, tanhC), SigmoidSlope(o));
        var dz = Ops.Concat([dzi, dzf, dzc, dzo], 1);
        return Ops.Concat([Ops.Reshape(dz, new Shape(-1)), Ops.Reshape(Ops.Mul(dc, f), new Shape(-1))], 0);
    }

    /// <summary>
    /// The second-order gradient, written with ops (from the formulas in the class remarks, differentiated by hand; checked
    /// in float64 against central differences). With the upstream <c>w = [w_i, w_f, w_c, w_o, w_d]</c> laid out as the
    /// output and <c>D = w_i·a·i' + w_f·c·f' + w_c·i·a' + w_d·f</c> (the derivative through <c>dc'</c>; <c>a = tanh(z_c)</c>,
    /// primes the activations' slopes), each input's gradient sums the paths through <c>dc'</c> and through each output.
    /// </summary>
    public override Tensor?[] Gradient(Tensor w, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        Tensor z = inputs[0], cPrevious = inputs[1], hc = inputs[2], g = inputs[3];
        int units = cPrevious.Shape[1];
        var dtype = z.DType;
        var one = Tensor.Scalar(1, dtype);
        var two = Tensor.Scalar(2, dtype);
        // The upstream as [dz (4 rows of batch·units) ; dc (one row)], whatever the batch.
        var rows = Ops.Reshape(w, new Shape(5, -1));
        var wz = Ops.Split(Ops.Reshape(Ops.Slice(rows, [0, 0], [4, -1]), new Shape(-1, 4 * units)), 4, axis: 1);
        Tensor wi = wz[0], wf = wz[1], wc = wz[2], wo = wz[3];
        var wd = Ops.Reshape(Ops.Slice(rows, [4, 0], [1, -1]), new Shape(-1, units));

        var parts = Ops.Split(z, 4, axis: 1);
        Tensor i = Ops.Sigmoid(parts[0]), f = Ops.Sigmoid(parts[1]), a = Ops.Tanh(parts[2]), o = Ops.Sigmoid(parts[3]);
        Tensor SigmoidSlope(Tensor s) => Ops.Mul(s, Ops.Sub(one, s));
        Tensor TanhSlope(Tensor t) => Ops.Sub(one, Ops.Square(t));
        Tensor OneMinusTwice(Tensor s) => Ops.Sub(one, Ops.Mul(two, s));
        Tensor si = SigmoidSlope(i), sf = SigmoidSlope(f), so = SigmoidSlope(o), sa = TanhSlope(a);
        var t = Ops.Tanh(Ops.IndexAxis0(hc, 1));
        var st = TanhSlope(t);
        Tensor gh = Ops.IndexAxis0(g, 0), gc = Ops.IndexAxis0(g, 1);
        var d = Ops.Add(gc, Ops.Mul(Ops.Mul(gh, o), st));

        var bigD = Ops.Add(Ops.Add(Ops.Mul(Ops.Mul(wi, a), si), Ops.Mul(Ops.Mul(wf, cPrevious), sf)),
            Ops.Add(Ops.Mul(Ops.Mul(wc, i), sa), Ops.Mul(wd, f)));
        // Through dc' = g_c + g_h·o·(1 − t²) and dz_o = g_h·t·o'.
        var dgc = bigD;
        var dgh = Ops.Add(Ops.Mul(Ops.Mul(bigD, o), st), Ops.Mul(Ops.Mul(wo, t), so));
        var dcPrevious = Ops.Mul(Ops.Mul(wf, d), sf);
        var dt = Ops.Add(Ops.Mul(Ops.Mul(bigD, gh), Ops.Mul(o, Ops.Mul(Ops.Neg(two), t))), Ops.Mul(Ops.Mul(wo, gh), so));
        var dC = Ops.Mul(dt, st);
        var dzo = Ops.Mul(Ops.Add(Ops.Mul(Ops.Mul(bigD, gh), st), Ops.Mul(Ops.Mul(Ops.Mul(wo, gh), t), OneMinusTwice(o))), so);
        var dzi = Ops.Mul(Ops.Add(Ops.Mul(Ops.Mul(Ops.Mul(wi, d), a), OneMinusTwice(i)), Ops.Mul(Ops.Mul(wc, d), sa)), si);
        var dzf = Ops.Mul(Ops.Add(Ops.Mul(Ops.Mul(Ops.Mul(wf, d), cPrevious), OneMinusTwice(f)), Ops.Mul(wd, d)), sf);
        var dzc = Ops.Mul(Ops.Sub(Ops.Mul(Ops.Mul(wi, d), si), Ops.Mul(Ops.Mul(Ops.Mul(two, wc), Ops.Mul(d, i)), a)), sa);
        var dz = Ops.Concat([dzi, dzf, dzc, dzo], 1);
        var dhc = Ops.Concat([Ops.ExpandDims(Ops.Mul(dC, Tensor.Scalar(0, dtype)), 0), Ops.ExpandDims(dC, 0)], 0);
        var dg = Ops.Concat([Ops.ExpandDims(dgh, 0), Ops.ExpandDims(dgc, 0)], 0);
        return [dz, dcPrevious, dhc, dg];
    }
}

public static partial class Ops
{
    /// <summary>
    /// The gradient of <see cref="LstmCellUpdate"/> for gate pre-activations <paramref name="z"/>, previous cell state
    /// <paramref name="c"/>, the op's output <paramref name="hc"/> and its upstream gradient <paramref name="g"/>: one flat
    /// vector, <c>dz</c> <c>(batch, 4 * units)</c> then <c>dc</c> <c>(batch, units)</c> (<see cref="LstmCellUpdateGradOp"/>).
    /// </summary>
    public static Tensor LstmCellUpdateGrad(Tensor z, Tensor c, Tensor hc, Tensor g) => OpRunner.Run(LstmCellUpdateGradOp.Instance, z, c, hc, g);
}

using System.Buffers;
using System.Numerics;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of <see cref="GruCellUpdateOp"/> in one pass per row. Inputs: the projected step <c>x</c> and the
/// recurrent pre-activations <c>inner</c> <c>(batch, 3 * units)</c>, the previous state <c>h</c> <c>(batch, units)</c> and
/// the upstream gradient <c>g</c> of the new state <c>(batch, units)</c>. Output: one flat vector, <c>dx</c>
/// <c>(batch, 3 * units)</c> row-major, then <c>d inner</c> <c>(batch, 3 * units)</c>, then <c>dh</c> <c>(batch, units)</c>.
/// With the activations recomputed (<c>z</c>, <c>r</c> sigmoids, <c>hh = tanh(x_h + r inner_h)</c>):
/// <c>dz = g·(h − hh)·z(1 − z)</c>, <c>du = g·(1 − z)·(1 − hh²)</c>, <c>dr = du·inner_h·r(1 − r)</c>,
/// <c>dx = [dz, dr, du]</c>, <c>d inner = [dz, dr, du·r]</c>, <c>dh = g·z</c>: the thirty-odd ops of the composite
/// gradient (each reading and writing a whole step, and zero-padded slice gradients summed) in one pass over a row.
/// Its own gradient (second order) is written with ops. ONNX: no translation (a gradient-only op, as
/// LstmCellUpdateGrad).
/// </summary>
[Op("GruCellUpdateGrad")]
public sealed partial class GruCellUpdateGradOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly GruCellUpdateGradOp Instance = new();

    /// <summary>Rows of up to this many scratch values keep them on the stack.</summary>
    private const int StackScratch = 4096;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 4);
        ExpectFloating(inputs[0], "x");
        for (int k = 1; k < 4; k++) ExpectSameDType(inputs[0], inputs[k]);
        Shape x = inputs[0].Shape, inner = inputs[1].Shape, h = inputs[2].Shape, g = inputs[3].Shape;
        if (x.Rank != 2 || inner.Rank != 2 || h.Rank != 2 || g.Rank != 2)
            throw new ShapeMismatchException(Name, $"expected x and inner (batch, 3 * units), the state and its gradient (batch, units), got shapes {x}, {inner}, {h} and {g}.", x, inner, h, g);
        int units = h[1], batch = Shape.Unknown;
        if (units == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the number of units (the state's last dimension) must be known, got state shape {h}.", h);
        bool Fits(int d, int want) => d == Shape.Unknown || d == want;
        if (!Fits(x[1], 3 * units) || !Fits(inner[1], 3 * units) || !Fits(g[1], units))
            throw new ShapeMismatchException(Name, $"x and inner need {3 * units} columns and the gradient {units} for a state of shape {h}, got shapes {x}, {inner} and {g}.", x, inner, g, h);
        foreach (var s in new[] { x, inner, h, g })
        {
            if (s[0] == Shape.Unknown) continue;
            if (batch != Shape.Unknown && s[0] != batch)
                throw new ShapeMismatchException(Name, $"x, inner, the state and its gradient must have one batch size, got shapes {x}, {inner}, {h} and {g}.", x, inner, h, g);
            batch = s[0];
        }
        return new(new Shape(batch == Shape.Unknown ? Shape.Unknown : 7 * batch * units), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => CellPass.Compute<Kernel>(inputs, output, stateInput: 2, gatesPerUnit: 3);

    /// <summary>Rows of the step (<see cref="CellPass"/>): <c>a</c> = x, <c>b</c> = inner, <c>c</c> = the previous state, <c>d</c> = the new state's gradient; the output (dx, d inner, dh).</summary>
    private readonly struct Kernel : ICellKernel
    {
        public static void Rows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int first, int last,
            CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
            => Run(a, b, c, d, output, batch, units, first, last, sigmoid, tanh);
    }

    private static void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> inner, ReadOnlySpan<T> h, ReadOnlySpan<T> g, Span<T> result,
        int batch, int units, int first, int last, CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int gates = 3 * units, n = batch * units;
        T[]? rented = null;
        // The scratch: z, r (sigmoids), hh.
        Span<T> scratch = gates <= StackScratch ? stackalloc T[gates] : (rented = ArrayPool<T>.Shared.Rent(gates));
        try
        {
            Span<T> zr = scratch[..(2 * units)], hh = scratch.Slice(2 * units, units);
            Span<T> dx = result[..(3 * n)], dInner = result.Slice(3 * n, 3 * n), dh = result.Slice(6 * n, n);
            for (int b = first; b < last; b++)
            {
                ReadOnlySpan<T> xRow = x.Slice(b * gates, gates), innerRow = inner.Slice(b * gates, gates);
                System.Numerics.Tensors.TensorPrimitives.Add(xRow[..(2 * units)], innerRow[..(2 * units)], zr);
                sigmoid(zr, zr);
                System.Numerics.Tensors.TensorPrimitives.Multiply(zr.Slice(units, units), innerRow.Slice(2 * units, units), hh);
                System.Numerics.Tensors.TensorPrimitives.Add(xRow.Slice(2 * units, units), hh, hh);
                tanh(hh, hh);
                int at = b * units;
                Row(zr[..units], zr.Slice(units, units), hh, innerRow.Slice(2 * units, units), h.Slice(at, units), g.Slice(at, units),
                    dx.Slice(b * gates, gates), dInner.Slice(b * gates, gates), dh.Slice(at, units), units);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>One row's gradients from its activations (vectorized, scalar tail).</summary>
    private static void Row<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> r, ReadOnlySpan<T> hh, ReadOnlySpan<T> innerH, ReadOnlySpan<T> h, ReadOnlySpan<T> g,
        Span<T> dx, Span<T> dInner, Span<T> dh, int units) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> dxz = dx[..units], dxr = dx.Slice(units, units), dxh = dx.Slice(2 * units, units);
        Span<T> diz = dInner[..units], dir = dInner.Slice(units, units), dih = dInner.Slice(2 * units, units);
        int j = 0;
        if (Vector.IsHardwareAccelerated && units >= Vector<T>.Count)
        {
            var one = Vector<T>.One;
            for (; j <= units - Vector<T>.Count; j += Vector<T>.Count)
            {
                var vz = new Vector<T>(z[j..]);
                var vr = new Vector<T>(r[j..]);
                var vhh = new Vector<T>(hh[j..]);
                var vg = new Vector<T>(g[j..]);
                var dzPre = vg * (new Vector<T>(h[j..]) - vhh) * vz * (one - vz);
                var du = vg * (one - vz) * (one - vhh * vhh);
                var drPre = du * new Vector<T>(innerH[j..]) * vr * (one - vr);
                dzPre.CopyTo(dxz[j..]);
                drPre.CopyTo(dxr[j..]);
                du.CopyTo(dxh[j..]);
                dzPre.CopyTo(diz[j..]);
                drPre.CopyTo(dir[j..]);
                (du * vr).CopyTo(dih[j..]);
                (vg * vz).CopyTo(dh[j..]);
            }
        }
        for (; j < units; j++)
        {
            T vz = z[j], vr = r[j], vhh = hh[j], vg = g[j];
            var dzPre = vg * (h[j] - vhh) * vz * (T.One - vz);
            var du = vg * (T.One - vz) * (T.One - vhh * vhh);
            var drPre = du * innerH[j] * vr * (T.One - vr);
            dxz[j] = diz[j] = dzPre;
            dxr[j] = dir[j] = drPre;
            dxh[j] = du;
            dih[j] = du * vr;
            dh[j] = vg * vz;
        }
    }

    /// <summary>The step's activations written with ops: <c>z</c>, <c>r</c>, <c>hh</c>, and <c>inner_h</c>.</summary>
    private static (Tensor Z, Tensor R, Tensor Hh, Tensor InnerH) Activations(Tensor x, Tensor inner)
    {
        var xs = Ops.Split(x, 3, axis: 1);
        var rs = Ops.Split(inner, 3, axis: 1);
        var r = Ops.Sigmoid(Ops.Add(xs[1], rs[1]));
        return (Ops.Sigmoid(Ops.Add(xs[0], rs[0])), r, Ops.Tanh(Ops.Add(xs[2], Ops.Mul(r, rs[2]))), rs[2]);
    }

    /// <summary>The op's three results written with ops: <c>dx</c>, <c>d inner</c> <c>(batch, 3 * units)</c> and <c>dh</c> <c>(batch, units)</c>.</summary>
    internal static (Tensor Dx, Tensor DInner, Tensor Dh) Pieces(Tensor x, Tensor inner, Tensor h, Tensor g)
    {
        var (z, r, hh, ih) = Activations(x, inner);
        var one = Tensor.Scalar(1, x.DType);
        var dzPre = Ops.Mul(Ops.Mul(Ops.Mul(g, Ops.Sub(h, hh)), z), Ops.Sub(one, z));
        var du = Ops.Mul(Ops.Mul(g, Ops.Sub(one, z)), Ops.Sub(one, Ops.Square(hh)));
        var drPre = Ops.Mul(Ops.Mul(Ops.Mul(du, ih), r), Ops.Sub(one, r));
        return (Ops.Concat([dzPre, drPre, du], 1), Ops.Concat([dzPre, drPre, Ops.Mul(du, r)], 1), Ops.Mul(g, z));
    }

    /// <summary>The op's computation written with ops: <c>dx</c>, <c>d inner</c> and <c>dh</c> flattened and joined, as the kernel lays them out.</summary>
    internal static Tensor Composite(Tensor x, Tensor inner, Tensor h, Tensor g)
    {
        var (dx, dInner, dh) = Pieces(x, inner, h, g);
        return Ops.Concat([Ops.Reshape(dx, new Shape(-1)), Ops.Reshape(dInner, new Shape(-1)), Ops.Reshape(dh, new Shape(-1))], 0);
    }

    /// <summary>
    /// The second-order gradient, written with ops (the formulas in the class remarks differentiated by hand; checked in
    /// float64 against central differences). With the upstream laid out as the output, <c>[w_xz, w_xr, w_xh]</c>,
    /// <c>[w_iz, w_ir, w_ih]</c>, <c>w_h</c>, the results <c>dz</c>, <c>dr</c>, <c>du</c>, <c>du·r</c>, <c>g·z</c> are
    /// weighted by <c>W_z = w_xz + w_iz</c>, <c>W_r = w_xr + w_ir</c>, <c>w_xh</c>, <c>w_ih</c>, <c>w_h</c>; each
    /// input's gradient sums the paths through <c>z</c>, <c>r</c>, <c>hh</c> and <c>du</c>.
    /// </summary>
    public override Tensor?[] Gradient(Tensor w, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        Tensor x = inputs[0], inner = inputs[1], h = inputs[2], g = inputs[3];
        int units = h.Shape[1];
        var dtype = x.DType;
        var one = Tensor.Scalar(1, dtype);
        var two = Tensor.Scalar(2, dtype);
        // The upstream as [dx (3 rows of batch·units) ; d inner (3 rows) ; dh (one row)], whatever the batch.
        var rows = Ops.Reshape(w, new Shape(7, -1));
        var wx = Ops.Split(Ops.Reshape(Ops.Slice(rows, [0, 0], [3, -1]), new Shape(-1, 3 * units)), 3, axis: 1);
        var wi = Ops.Split(Ops.Reshape(Ops.Slice(rows, [3, 0], [3, -1]), new Shape(-1, 3 * units)), 3, axis: 1);
        var wh = Ops.Reshape(Ops.Slice(rows, [6, 0], [1, -1]), new Shape(-1, units));
        Tensor wz = Ops.Add(wx[0], wi[0]), wr = Ops.Add(wx[1], wi[1]), wc = wx[2], wd = wi[2];

        var (z, r, hh, ih) = Activations(x, inner);
        Tensor sz = Ops.Mul(z, Ops.Sub(one, z)), sr = Ops.Mul(r, Ops.Sub(one, r)), sh = Ops.Sub(one, Ops.Square(hh));
        var oneMinusZ = Ops.Sub(one, z);
        var hMinusHh = Ops.Sub(h, hh);
        var du = Ops.Mul(Ops.Mul(g, oneMinusZ), sh);
        // dL/d du: du feeds dr (times ih·r'), dx_h and d inner_h (times r).
        var gDu = Ops.Add(Ops.Add(Ops.Mul(Ops.Mul(wr, ih), sr), wc), Ops.Mul(wd, r));

        var dg = Ops.Add(Ops.Add(Ops.Mul(Ops.Mul(wz, hMinusHh), sz), Ops.Mul(Ops.Mul(gDu, oneMinusZ), sh)), Ops.Mul(wh, z));
        var dh = Ops.Mul(Ops.Mul(wz, g), sz);
        // Through z: sz' = 1 - 2z, du' = -g·sh, and g·z.
        var dzTotal = Ops.Add(Ops.Sub(Ops.Mul(Ops.Mul(Ops.Mul(wz, g), hMinusHh), Ops.Sub(one, Ops.Mul(two, z))), Ops.Mul(Ops.Mul(gDu, g), sh)), Ops.Mul(wh, g));
        var dAz = Ops.Mul(dzTotal, sz);
        // Through hh (in dz's h - hh and du's 1 - hh²), then u = x_h + r·ih.
        var dHh = Ops.Neg(Ops.Add(Ops.Mul(Ops.Mul(wz, g), sz), Ops.Mul(Ops.Mul(Ops.Mul(two, gDu), Ops.Mul(g, oneMinusZ)), hh)));
        var dU = Ops.Mul(dHh, sh);
        // Through r: r' in dr, r in d inner_h, and u.
        var drTotal = Ops.Add(Ops.Add(Ops.Mul(Ops.Mul(Ops.Mul(wr, du), ih), Ops.Sub(one, Ops.Mul(two, r))), Ops.Mul(wd, du)), Ops.Mul(dU, ih));
        var dAr = Ops.Mul(drTotal, sr);
        var dIh = Ops.Add(Ops.Mul(Ops.Mul(wr, du), sr), Ops.Mul(dU, r));
        return [Ops.Concat([dAz, dAr, dU], 1), Ops.Concat([dAz, dAr, dIh], 1), dh, dg];
    }
}

public static partial class Ops
{
    /// <summary>
    /// The gradient of <see cref="GruCellUpdate"/> for the projected step <paramref name="x"/>, the recurrent
    /// pre-activations <paramref name="inner"/>, the previous state <paramref name="h"/> and the upstream gradient
    /// <paramref name="g"/>: one flat vector, <c>dx</c>, <c>d inner</c> <c>(batch, 3 * units)</c> each, then <c>dh</c>
    /// <c>(batch, units)</c> (<see cref="GruCellUpdateGradOp"/>).
    /// </summary>
    public static Tensor GruCellUpdateGrad(Tensor x, Tensor inner, Tensor h, Tensor g) => OpRunner.Run(GruCellUpdateGradOp.Instance, x, inner, h, g);
}

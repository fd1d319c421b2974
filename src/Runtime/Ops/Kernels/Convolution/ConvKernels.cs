using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// Convolution (channels_last) and its two gradients on top of the packed GEMM: the output positions of the batch are
/// the GEMM's rows, taken a block at a time; each block's input windows are gathered (im2col) into a per-thread
/// scratch buffer of about <see cref="TargetBlockValues"/> values, which the GEMM then reads in place.
/// <list type="bullet">
/// <item>forward: <c>y[rows, Cout] = cols[rows, taps·Cin] @ w[taps·Cin, Cout]</c> (per group: its slice of columns);</item>
/// <item>input gradient: <c>cols = dy[rows, Cout] @ wᵀ</c>, scattered back and added into dx (col2im);</item>
/// <item>filter gradient: <c>dw += colsᵀ @ dy[rows, Cout]</c>, summed over the blocks.</item>
/// </list>
/// A 1×1, stride-1, unpadded, ungrouped convolution is one plain GEMM with no gathering. Two or more threads split the
/// blocks (forward, filter gradient: each thread sums its own dw, added at the end) or the images (input gradient, so
/// no two threads add into the same values): the split depends only on the sizes, so results are reproducible.
/// float64 runs the same code with plain GEMM loops (gradient checks).
/// </summary>
internal static unsafe partial class ConvKernels
{
    /// <summary>Values of one gathered block (256 KiB of float32): it stays in L2 while the GEMM reads it.</summary>
    private const int TargetBlockValues = 64 * 1024;

    /// <summary>Values of one gathered block of the filter gradient, whose GEMM depth is the block's rows (longer is better).</summary>
    private const int TargetFilterBlockValues = 256 * 1024;

    /// <summary>The rows of a block: a multiple of 48 (the micro-kernels' tile heights divide it), at most 8192.</summary>
    private static int BlockRows(int depth, int target) => Math.Clamp(target / Math.Max(depth, 1) / 48 * 48, 48, 8192);

    /// <summary><c>y = conv(x, w)</c>; <paramref name="y"/> is overwritten.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, in ConvShape s) where T : unmanaged, INumber<T>
    {
        fixed (T* px = x, pw = w, py = y) Run(Pass.Forward, px, pw, py, s, Gemm.DefaultThreads);
    }

    /// <summary>
    /// <c>y = act(conv(x, w) + bias)</c> (float32): the bias and activation applied to each block of output positions
    /// right after its GEMM, while it is in cache (<see cref="ConvEpilogue"/>), instead of in passes over the whole output.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, FusedActivation activation, Span<float> y, in ConvShape s)
    {
        if (bias.Length != s.Cout) throw new ArgumentException($"The bias has {bias.Length} values; the convolution has {s.Cout} output channels.", nameof(bias));
        fixed (float* px = x, pw = w, pb = bias, py = y) Run(Pass.Forward, px, pw, py, s, Gemm.DefaultThreads, pb, activation);
    }

    /// <summary>The gradient with respect to the input (the transposed convolution of <paramref name="dy"/>); <paramref name="dx"/> is overwritten.</summary>
    public static void BackwardData<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, in ConvShape s) where T : unmanaged, INumber<T>
    {
        fixed (T* pdy = dy, pw = w, pdx = dx) Run(Pass.BackwardData, pdy, pw, pdx, s, Gemm.DefaultThreads);
    }

    /// <summary>
    /// The gradient with respect to the kernel; <paramref name="dw"/> is overwritten. Shallow float32 windows run image by
    /// image (<see cref="FilterGradPerImageFits"/>), 3×3 stride-1 ones that <see cref="ConvWinograd.Fits"/> by Winograd's
    /// F(3×3, 2×2) (<see cref="ConvWinograd.FilterGradient"/>).
    /// </summary>
    public static void BackwardFilter<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, in ConvShape s) where T : unmanaged, INumber<T>
    {
        fixed (T* px = x, pdy = dy, pdw = dw)
        {
            if (typeof(T) == typeof(float) && FilterGradPerImageFits(s)) BackwardFilterPerImage((float*)px, (float*)pdy, (float*)pdw, s);
            else if (typeof(T) == typeof(float) && ConvWinograd.Fits(s))
                ConvWinograd.FilterGradient((float*)px, (float*)pdy, (float*)pdw, s, s.MultiplyAdds < Gemm.ParallelThreshold ? 1 : Gemm.DefaultThreads);
            else Run(Pass.BackwardFilter, px, pdy, pdw, s, Gemm.DefaultThreads);
        }
    }

    /// <summary>
    /// <c>y = act(conv(x, w) + bias)</c> (float32, one group) on the calling thread only, with the kernel already packed
    /// (<see cref="PackKernel"/>): what a step that splits the batch itself runs per slice of images.
    /// </summary>
    public static void ForwardOneThread(float* x, PackedMatrix packedKernel, float* bias, FusedActivation activation, float* y, in ConvShape s)
        => Run<float>(Pass.Forward, x, null, y, s, 1, bias, activation, packedKernel);

    /// <summary>The forward kernel <c>w [depth, Cout]</c> packed as the GEMM's B (float32, one group), into <paramref name="reuse"/> when it fits.</summary>
    /// <remarks>For a convolution that <see cref="ConvWinograd.Fits"/>, the Winograd transform of the kernel instead (what <see cref="ForwardOneThread"/> then reads).</remarks>
    public static PackedMatrix PackKernel(ReadOnlySpan<float> w, in ConvShape s, PackedMatrix? reuse)
    {
        if (!ConvWinograd.Fits(s)) return Gemm.PackB(w, false, s.Depth, s.Cout, reuse);
        var packed = WinogradBuffer(s, reuse);
        fixed (float* pw = w) ConvWinograd.TransformKernel(pw, s, false, packed.Pointer);
        return packed;
    }

    /// <summary><paramref name="reuse"/> when it has the size of <paramref name="s"/>'s Winograd kernel, else a new buffer.</summary>
    private static PackedMatrix WinogradBuffer(in ConvShape s, PackedMatrix? reuse)
        => reuse is not null && reuse.K == 16 * s.Cin && reuse.N == s.Cout && reuse.Kernel == GemmKernel.Avx512
            ? reuse
            : new PackedMatrix(16 * s.Cin, s.Cout, GemmKernel.Avx512, ConvWinograd.KernelLength(s));

    private enum Pass { Forward, BackwardData, BackwardFilter }

    /// <summary>
    /// Runs one pass. <paramref name="a"/> and <paramref name="b"/> are the two operands (forward: x, w; input gradient:
    /// dy, w; filter gradient: x, dy), <paramref name="c"/> the result.
    /// </summary>
    private static void Run<T>(Pass pass, T* a, T* b, T* c, in ConvShape s, int threads, float* bias = null, FusedActivation activation = FusedActivation.None,
        PackedMatrix? packed = null) where T : unmanaged, INumber<T>
    {
        long resultLength = pass switch
        {
            Pass.Forward => s.Rows * s.Cout,
            Pass.BackwardData => (long)s.N * s.InPositions * s.Cin,
            _ => (long)s.Depth * s.Cout,
        };
        if (s.Rows == 0 || s.Depth == 0 || s.Cout == 0)
        {
            new Span<T>(c, checked((int)resultLength)).Clear();
            if (bias != null) ConvEpilogue.Apply((float*)c, checked((int)s.Rows), bias, s.Cout, activation);
            return;
        }
        int rows = checked((int)s.Rows);
        if (s.IsPointwise)
        {
            switch (pass)
            {
                case Pass.Forward: Multiply(a, s.Cin, false, b, s.Cout, false, c, s.Cout, rows, s.Cout, s.Cin, false, threads); break;
                case Pass.BackwardData: Multiply(a, s.Cout, false, b, s.Cout, true, c, s.Cin, rows, s.Cin, s.Cout, false, threads); break;
                default: Multiply(a, s.Cin, true, b, s.Cout, false, c, s.Cout, s.Cin, s.Cout, rows, false, threads); break;
            }
            if (bias != null) ConvEpilogue.Apply((float*)c, rows, bias, s.Cout, activation);
            return;
        }
        if (typeof(T) == typeof(float) && pass == Pass.BackwardData && packed is null && ConvWinograd.FitsTransposedInputGradient(s))
        {
            // 3×3, stride 1, Cin a multiple of 32: the transpose of the forward's Winograd tiles (no padded dy).
            ConvWinograd.InputGradient((float*)a, (float*)b, (float*)c, s, s.MultiplyAdds < Gemm.ParallelThreshold ? 1 : threads);
            return;
        }
        if (typeof(T) == typeof(float) && pass != Pass.BackwardFilter && (pass == Pass.Forward ? ConvWinograd.Fits(s) : ConvWinograd.FitsInputGradient(s)))
        {
            // 3×3, stride 1: Winograd F(2×2, 3×3) (the input gradient as the convolution of dy with the turned kernel).
            var ws = pass == Pass.Forward ? s : ConvWinograd.InputGradientShape(s);
            if (s.MultiplyAdds < Gemm.ParallelThreshold) threads = 1;
            PackedMatrix u;
            if (packed is not null) u = packed;
            else
            {
                var owner = t_job ??= new Job();
                u = WinogradBuffer(ws, owner.PackedBuffer(16 * ws.Cin, ws.Cout));
                ConvWinograd.TransformKernel((float*)b, ws, pass == Pass.BackwardData, u.Pointer);
                owner.KeepPacked(u);
            }
            ConvWinograd.Forward((float*)a, u.Pointer, bias, activation, (float*)c, ws, threads);
            GC.KeepAlive(u);
            return;
        }
        int blockRows = BlockRows(s.Depth, pass == Pass.BackwardFilter ? TargetFilterBlockValues : TargetBlockValues);
        int blocks = (rows + blockRows - 1) / blockRows;
        if (s.MultiplyAdds < Gemm.ParallelThreshold) threads = 1;
        int parts = Math.Max(1, Math.Min(threads, pass == Pass.BackwardData ? s.N : blocks));
        var job = t_job ??= new Job();
        job.Set(pass, (nint)a, (nint)b, (nint)c, s, typeof(T) == typeof(double), blockRows, blocks, parts, gemmThreads: parts == 1 ? threads : 1);
        job.UsePacked = false;
        job.Bias = (nint)bias;
        job.Activation = activation;
        // Shallow windows (the first layer over one channel) run the direct kernel over the same blocks of rows.
        job.Direct = pass == Pass.Forward && typeof(T) == typeof(float) && b != null && ConvDirect.Fits(s, bias == null ? FusedActivation.None : activation);
        if (pass == Pass.BackwardFilter) job.PreparePartials(parts, s.Depth * s.Cout, sizeof(T));
        else if (packed is not null)
        {
            job.Packed = packed;
            job.UsePacked = true;
        }
        else if (typeof(T) == typeof(float) && s.Groups == 1 && !job.Direct)
        {
            // The kernel is the GEMM's B for every block: packed once per call (forward: w [depth, Cout]; input
            // gradient: wᵀ [Cout, depth]) into a buffer the calling thread keeps, not once per block.
            var kernel = new ReadOnlySpan<float>(b, s.Depth * s.Cout);
            job.Packed = pass == Pass.Forward
                ? Gemm.PackB(kernel, false, s.Depth, s.Cout, job.PackedBuffer(s.Depth, s.Cout))
                : Gemm.PackB(kernel, true, s.Cout, s.Depth, job.PackedBuffer(s.Cout, s.Depth));
            job.KeepPacked(job.Packed);
            job.UsePacked = true;
        }
        if (parts == 1) job.Body(0);
        else ForkJoin.Run(parts, job.Body);
        if (pass == Pass.BackwardFilter)
        {
            var dw = new Span<T>(c, s.Depth * s.Cout);
            for (int t = 1; t < parts; t++)
                System.Numerics.Tensors.TensorPrimitives.Add(dw, new ReadOnlySpan<T>((T*)job.Partial(t), dw.Length), dw);
        }
    }

    /// <summary>Part <paramref name="t"/> of a pass: its blocks (forward, filter gradient) or its images (input gradient).</summary>
    private static void RunPart<T>(Job job, int t) where T : unmanaged, INumber<T>
    {
        var s = job.Shape;
        T* a = (T*)job.A, b = (T*)job.B, c = (T*)job.C;
        int rows = (int)s.Rows, depth = s.Depth, fg = s.Fg, cout = s.Cout;
        long r0, r1;
        if (job.Pass == Pass.BackwardData)
        {
            int n0 = s.N * t / job.Parts, n1 = s.N * (t + 1) / job.Parts;
            long inImage = (long)s.InPositions * s.Cin;
            new Span<T>(c + n0 * inImage, checked((int)((n1 - n0) * inImage))).Clear();
            r0 = (long)n0 * s.OutPositions;
            r1 = (long)n1 * s.OutPositions;
        }
        else
        {
            r0 = Math.Min(rows, (long)job.Blocks * t / job.Parts * job.BlockRows);
            r1 = Math.Min(rows, (long)job.Blocks * (t + 1) / job.Parts * job.BlockRows);
        }
        if (job.Direct)
        {
            ConvDirect.ForwardRows((float*)a, (float*)b, (float*)job.Bias, job.Activation, (float*)c, s, r0, r1);
            return;
        }
        T* dw = job.Pass == Pass.BackwardFilter ? (t == 0 ? c : (T*)job.Partial(t)) : null;
        if (dw != null) new Span<T>(dw, depth * cout).Clear();
        if (dw != null && typeof(T) == typeof(float) && FilterGradPackedFits(s) && !OuterProductsFit(depth, fg))
        {
            for (int g = 0; g < s.Groups; g++) FilterGradPacked((float*)a, (float*)b, (float*)dw, s, r0, r1, g);
            return;
        }
        T* cols = Scratch<T>(job.BlockRows * depth);
        for (long row = r0; row < r1; row += job.BlockRows)
        {
            int m = (int)Math.Min(job.BlockRows, r1 - row);
            for (int g = 0; g < s.Groups; g++)
            {
                switch (job.Pass)
                {
                    case Pass.Forward:
                        Im2Col(a, s, row, m, g, cols);
                        if (job.UsePacked) Gemm.Sgemm(new ReadOnlySpan<float>(cols, m * depth), false, job.Packed!, new Span<float>(c + row * cout, m * cout), m, job.GemmThreads);
                        else Multiply(cols, depth, false, b + g * fg, cout, false, c + row * cout + g * fg, cout, m, fg, depth, false, job.GemmThreads);
                        break;
                    case Pass.BackwardData:
                        if (job.UsePacked) Gemm.Sgemm(new ReadOnlySpan<float>(a + row * cout, m * cout), false, job.Packed!, new Span<float>(cols, m * depth), m, job.GemmThreads);
                        else Multiply(a + row * cout + g * fg, cout, false, b + g * fg, cout, true, cols, depth, m, depth, fg, false, job.GemmThreads);
                        Col2Im(cols, s, row, m, g, c);
                        break;
                    default:
                        Im2Col(a, s, row, m, g, cols);
                        if (typeof(T) == typeof(float) && OuterProductsFit(depth, fg))
                            AccumulateOuterProducts((float*)cols, m, depth, (float*)(b + row * cout + g * fg), cout, (float*)(dw + g * fg), fg, cout);
                        else
                            Multiply(cols, depth, true, b + row * cout + g * fg, cout, false, dw + g * fg, cout, depth, fg, m, true, job.GemmThreads);
                        break;
                }
            }
            if (job.Bias != 0) ConvEpilogue.Apply((float*)(c + row * cout), m, (float*)job.Bias, cout, job.Activation);
        }
    }

    /// <summary>
    /// Gathers the input windows of output rows [<paramref name="row0"/>, +<paramref name="rows"/>), channels of group
    /// <paramref name="g"/>, into <paramref name="cols"/> (one row of <see cref="ConvShape.Depth"/> values each: window
    /// positions in order, each a run of the group's channels; zeros where the window overhangs the padding). With one
    /// group and no dilation along the last axis a window row is one contiguous run of the input, copied at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col<T>(T* x, in ConvShape s, long row0, int rows, int g, T* cols) where T : unmanaged
    {
        int cg = s.Cg, cin = s.Cin, depth = s.Depth, kwRun = s.KW * cg;
        bool contiguous = s.DW == 1 && cg == cin;
        int n = (int)(row0 / s.OutPositions), rem = (int)(row0 % s.OutPositions);
        int od = rem / (s.OH * s.OW), oh = rem / s.OW % s.OH, ow = rem % s.OW;
        // One output line (fixed image, depth and height) at a time: the window's line offsets and bounds checks are
        // worked out once per window line and output line, then each output position copies its run.
        for (int r = 0; r < rows;)
        {
            int count = Math.Min(rows - r, s.OW - ow);
            T* image = x + (nint)n * s.InPositions * cin + g * cg;
            T* lineStart = cols + (nint)r * depth;
            int tap = 0;
            for (int kd = 0; kd < s.KD; kd++)
            {
                int id = od * s.SD - s.PD + kd * s.DD;
                for (int kh = 0; kh < s.KH; kh++, tap += kwRun)
                {
                    int ih = oh * s.SH - s.PH + kh * s.DH;
                    T* dst = lineStart + tap;
                    if ((uint)id >= (uint)s.ID || (uint)ih >= (uint)s.IH)
                    {
                        for (int j = 0; j < count; j++, dst += depth) Zero(dst, kwRun);
                        continue;
                    }
                    T* line = image + (nint)(id * s.IH + ih) * s.IW * cin;
                    int iw0 = ow * s.SW - s.PW;
                    for (int j = 0; j < count; j++, dst += depth, iw0 += s.SW)
                    {
                        if (contiguous && iw0 >= 0 && iw0 + s.KW <= s.IW)
                        {
                            Copy(line + (nint)iw0 * cin, dst, kwRun);
                            continue;
                        }
                        T* d = dst;
                        for (int kw = 0; kw < s.KW; kw++, d += cg)
                        {
                            int iw = iw0 + kw * s.DW;
                            if ((uint)iw >= (uint)s.IW) Zero(d, cg);
                            else Copy(line + (nint)iw * cin, d, cg);
                        }
                    }
                }
            }
            r += count;
            ow += count;
            if (ow == s.OW) { ow = 0; if (++oh == s.OH) { oh = 0; if (++od == s.OD) { od = 0; n++; } } }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col{T}"/>: adds each gathered value back into the input position it came from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2Im<T>(T* cols, in ConvShape s, long row0, int rows, int g, T* dx) where T : unmanaged, INumber<T>
    {
        int cg = s.Cg, cin = s.Cin, kwRun = s.KW * cg, khRun = s.KH * kwRun;
        bool contiguous = s.DW == 1 && cg == cin;
        int n = (int)(row0 / s.OutPositions), rem = (int)(row0 % s.OutPositions);
        int od = rem / (s.OH * s.OW), oh = rem / s.OW % s.OH, ow = rem % s.OW;
        T* src = cols;
        for (int r = 0; r < rows; r++)
        {
            T* image = dx + (nint)n * s.InPositions * cin + g * cg;
            for (int kd = 0; kd < s.KD; kd++)
            {
                int id = od * s.SD - s.PD + kd * s.DD;
                if ((uint)id >= (uint)s.ID) { src += khRun; continue; }
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int ih = oh * s.SH - s.PH + kh * s.DH;
                    if ((uint)ih >= (uint)s.IH) { src += kwRun; continue; }
                    T* line = image + (nint)(id * s.IH + ih) * s.IW * cin;
                    int iw0 = ow * s.SW - s.PW;
                    if (contiguous && iw0 >= 0 && iw0 + s.KW <= s.IW)
                    {
                        AddTo(src, line + (nint)iw0 * cin, kwRun);
                        src += kwRun;
                        continue;
                    }
                    for (int kw = 0; kw < s.KW; kw++, src += cg)
                    {
                        int iw = iw0 + kw * s.DW;
                        if ((uint)iw < (uint)s.IW) AddTo(src, line + (nint)iw * cin, cg);
                    }
                }
            }
            if (++ow == s.OW) { ow = 0; if (++oh == s.OH) { oh = 0; if (++od == s.OD) { od = 0; n++; } } }
        }
    }

    /// <summary>
    /// Whether the kernel gradient of a shallow window (depth up to 32, e.g. 3×3 over one channel) sums outer products
    /// directly: its GEMM (depth × Cout, summed over many rows) would spend its time packing dy, not multiplying.
    /// </summary>
    private static bool OuterProductsFit(int depth, int fg) => Avx512F.IsSupported && depth <= 32 && fg % 16 == 0 && depth * (fg / 16) <= 64;

    /// <summary>Rows of a block summed per pass over a group of accumulators: their dy rows (at most 64 KiB) stay in L1/L2 across the groups.</summary>
    private const int OuterProductRows = 256;

    /// <summary>
    /// <c>dw[depth, fg] += Σ_rows cols[row, :]ᵀ dy[row, :]</c>, register-blocked: for each run of rows, each group of four
    /// window values × two 16-channel vectors (eight accumulators, held in registers) sweeps the run. Every dw value
    /// is still one chain of fused multiply-adds over the rows in order, so the result does not depend on the grouping.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateOuterProducts(float* cols, int rows, int depth, float* dy, int ldy, float* dw, int fg, int ldw)
    {
        int v = fg / 16;
        for (int r0 = 0; r0 < rows; r0 += OuterProductRows)
        {
            int count = Math.Min(OuterProductRows, rows - r0);
            for (int j = 0; j < v; j += 2)
            {
                bool pair = j + 1 < v;
                for (int t = 0; t < depth; t += 4)
                {
                    int taps = Math.Min(4, depth - t);
                    float* w0 = dw + (nint)t * ldw + j * 16;
                    // Unused accumulators (fewer than four window values, or one vector) read and write nothing.
                    var a00 = Vector512.Load(w0);
                    var a01 = pair ? Vector512.Load(w0 + 16) : default;
                    var a10 = taps > 1 ? Vector512.Load(w0 + ldw) : default;
                    var a11 = taps > 1 && pair ? Vector512.Load(w0 + ldw + 16) : default;
                    var a20 = taps > 2 ? Vector512.Load(w0 + 2 * ldw) : default;
                    var a21 = taps > 2 && pair ? Vector512.Load(w0 + 2 * ldw + 16) : default;
                    var a30 = taps > 3 ? Vector512.Load(w0 + 3 * ldw) : default;
                    var a31 = taps > 3 && pair ? Vector512.Load(w0 + 3 * ldw + 16) : default;
                    float* c = cols + (nint)r0 * depth + t;
                    float* d = dy + (nint)r0 * ldy + j * 16;
                    for (int r = 0; r < count; r++, c += depth, d += ldy)
                    {
                        var d0 = Vector512.Load(d);
                        var d1 = pair ? Vector512.Load(d + 16) : default;
                        var x0 = Vector512.Create(c[0]);
                        a00 = Avx512F.FusedMultiplyAdd(x0, d0, a00); a01 = Avx512F.FusedMultiplyAdd(x0, d1, a01);
                        if (taps > 1)
                        {
                            var x1 = Vector512.Create(c[1]);
                            a10 = Avx512F.FusedMultiplyAdd(x1, d0, a10); a11 = Avx512F.FusedMultiplyAdd(x1, d1, a11);
                        }
                        if (taps > 2)
                        {
                            var x2 = Vector512.Create(c[2]);
                            a20 = Avx512F.FusedMultiplyAdd(x2, d0, a20); a21 = Avx512F.FusedMultiplyAdd(x2, d1, a21);
                        }
                        if (taps > 3)
                        {
                            var x3 = Vector512.Create(c[3]);
                            a30 = Avx512F.FusedMultiplyAdd(x3, d0, a30); a31 = Avx512F.FusedMultiplyAdd(x3, d1, a31);
                        }
                    }
                    Vector512.Store(a00, w0);
                    if (pair) Vector512.Store(a01, w0 + 16);
                    if (taps > 1) { Vector512.Store(a10, w0 + ldw); if (pair) Vector512.Store(a11, w0 + ldw + 16); }
                    if (taps > 2) { Vector512.Store(a20, w0 + 2 * ldw); if (pair) Vector512.Store(a21, w0 + 2 * ldw + 16); }
                    if (taps > 3) { Vector512.Store(a30, w0 + 3 * ldw); if (pair) Vector512.Store(a31, w0 + 3 * ldw + 16); }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(T* src, T* dst, int count) where T : unmanaged
    {
        if (count <= 8) for (int i = 0; i < count; i++) dst[i] = src[i];
        else new ReadOnlySpan<T>(src, count).CopyTo(new Span<T>(dst, count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero<T>(T* dst, int count) where T : unmanaged
    {
        if (count <= 8) for (int i = 0; i < count; i++) dst[i] = default;
        else new Span<T>(dst, count).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<T>(T* src, T* dst, int count) where T : unmanaged, INumber<T>
    {
        if (count <= 8) for (int i = 0; i < count; i++) dst[i] += src[i];
        else
        {
            var d = new Span<T>(dst, count);
            System.Numerics.Tensors.TensorPrimitives.Add(d, new ReadOnlySpan<T>(src, count), d);
        }
    }

    /// <summary><c>C (+)= op(A) op(B)</c> on strided matrices: the packed float32 GEMM, or loops for float64.</summary>
    private static void Multiply<T>(T* a, int lda, bool transposeA, T* b, int ldb, bool transposeB, T* c, int ldc, int m, int n, int k, bool accumulate, int threads)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) Gemm.Sgemm((float*)a, lda, transposeA, (float*)b, ldb, transposeB, (float*)c, ldc, m, n, k, accumulate, threads);
        else Gemm.Dgemm((double*)a, lda, transposeA, (double*)b, ldb, transposeB, (double*)c, ldc, m, n, k, accumulate);
    }

    [ThreadStatic] private static byte[]? t_scratch;
    [ThreadStatic] private static Job? t_job;

    /// <summary>The calling thread's gather buffer of at least <paramref name="length"/> values (pinned, 64-byte aligned, grown once, reused).</summary>
    private static T* Scratch<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * sizeof(T) + 64;
        if (t_scratch is null || t_scratch.Length < bytes) t_scratch = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryArrayStart(t_scratch));
        return (T*)(((nint)p + 63) & ~(nint)63);
    }

    private static ref byte MemoryArrayStart(byte[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    /// <summary>One pass split over threads, reused by the calling thread (a run allocates nothing once buffers have grown).</summary>
    private sealed class Job
    {
        private byte[][] _partials = [];

        public Job() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public Pass Pass;
        public nint A, B, C;
        public ConvShape Shape;
        public bool IsDouble;
        public int BlockRows, Blocks, Parts, GemmThreads;
        /// <summary>The kernel packed for this call (float32, one group).</summary>
        public PackedMatrix? Packed;
        public bool UsePacked;
        /// <summary>Whether the forward pass runs <see cref="ConvDirect"/> instead of im2col + GEMM.</summary>
        public bool Direct;
        /// <summary>The fused epilogue's bias (float32 forward only; 0: none) and activation.</summary>
        public nint Bias;
        public FusedActivation Activation;

        // The last few packing buffers, by shape: a network's convolutions (and their input gradients) each find theirs
        // again on the next step instead of allocating.
        private readonly PackedMatrix?[] _packedBuffers = new PackedMatrix?[8];
        private int _nextPacked;

        /// <summary>A kept packing buffer for op(B) of <paramref name="k"/> × <paramref name="n"/>, or null.</summary>
        public PackedMatrix? PackedBuffer(int k, int n)
        {
            foreach (var p in _packedBuffers)
                if (p is not null && p.K == k && p.N == n) return p;
            return null;
        }

        /// <summary>Keeps <paramref name="packed"/> for later calls (replacing the oldest when all slots are used).</summary>
        public void KeepPacked(PackedMatrix packed)
        {
            if (Array.IndexOf(_packedBuffers, packed) >= 0) return;
            _packedBuffers[_nextPacked] = packed;
            _nextPacked = (_nextPacked + 1) % _packedBuffers.Length;
        }

        public void Set(Pass pass, nint a, nint b, nint c, in ConvShape shape, bool isDouble, int blockRows, int blocks, int parts, int gemmThreads)
        {
            Pass = pass; A = a; B = b; C = c; Shape = shape; IsDouble = isDouble;
            BlockRows = blockRows; Blocks = blocks; Parts = parts; GemmThreads = gemmThreads;
        }

        /// <summary>Makes sure parts 1 … <paramref name="parts"/> − 1 have a filter-gradient buffer of <paramref name="length"/> values.</summary>
        public void PreparePartials(int parts, int length, int elementSize)
        {
            if (_partials.Length < parts) Array.Resize(ref _partials, parts);
            long bytes = (long)length * elementSize + 64;
            for (int t = 1; t < parts; t++)
                if (_partials[t] is null || _partials[t].Length < bytes) _partials[t] = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
        }

        /// <summary>Part <paramref name="t"/>'s filter-gradient buffer (64-byte aligned).</summary>
        public nint Partial(int t)
        {
            byte* p = (byte*)Unsafe.AsPointer(ref MemoryArrayStart(_partials[t]));
            return ((nint)p + 63) & ~(nint)63;
        }

        private void Run(int t)
        {
            if (IsDouble) RunPart<double>(this, t);
            else RunPart<float>(this, t);
        }
    }
}

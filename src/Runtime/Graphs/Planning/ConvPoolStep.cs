using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LayerGen.Kernels;

namespace LayerGen.Graphs;

/// <summary>
/// <c>MaxPool(act(conv(x, W) + b))</c> as one step (<see cref="ConvPoolFusion"/>, inference plans): the batch is cut
/// into slices of a few images whose convolution output fits in L2 (about <see cref="TargetSliceBytes"/>); each slice
/// is convolved (bias and activation per GEMM block, <see cref="ConvKernels.ForwardOneThread"/>) into a per-thread
/// scratch buffer and pooled from there straight into the step's buffer, so the convolution's output (86 MB for the
/// convnet's first layer at batch 1000) is never written to memory. The kernel is packed once per run and the slices
/// are split between the threads. Same kernels as the unfused ConvStep and MaxPool, so the same values.
/// Arguments: x, the kernel, the bias.
/// </summary>
internal sealed unsafe class ConvPoolStep : PlanStep
{
    /// <summary>A slice's convolution output is kept near this size (L2 of one core, with the gather buffer beside it).</summary>
    private const int TargetSliceBytes = 384 * 1024;

    private readonly ConvOp _conv;
    private readonly MaxPoolOp _pool;
    private readonly FusedActivation _activation;
    private readonly TensorSpec _convSpec;
    private readonly Action<int> _body;
    private PackedMatrix? _packed;
    // Per run: what the parts read.
    private ConvShape _shape;
    private PoolGeometry _geometry;
    private nint _x, _w, _bias, _y;
    private bool _direct;
    private int _slices, _parts, _sliceImages;

    public ConvPoolStep(int nodeId, ConvOp conv, MaxPoolOp pool, int[] inputs, TensorSpec spec, Tensor? buffer, TensorSpec convSpec, FusedActivation activation)
        : base(nodeId, conv, inputs, spec, buffer)
    {
        _conv = conv;
        _pool = pool;
        _convSpec = convSpec;
        _activation = activation;
        _body = RunPart;
    }

    /// <inheritdoc/>
    public override Tensor Execute()
    {
        Tensor x = Arguments[0], w = Arguments[1], bias = Arguments[2];
        var y = new KernelOutput(Spec, Buffer).Allocate(zeroed: false);
        AllocatedLastRun = Buffer is null || !y.SharesStorageWith(Buffer);
        _shape = ConvAttributes.KernelShape(x.Shape, _convSpec.Shape, w.Shape.Dims[.._conv.SpatialRank], _conv.Strides, _conv.Pads, _conv.Dilations, _conv.Groups);
        _geometry = PoolGeometry.Of(_convSpec.Shape, Spec.Shape, _pool.Window, _pool.Strides, _pool.Pads);
        int n = _shape.N;
        if (n == 0 || y.Size == 0) return y;
        // A shallow window (the first layer over one channel) runs the direct kernel: nothing to pack, no scratch.
        _direct = ConvPoolDirect.Fits(_shape, _geometry, _activation);
        if (!_direct) _packed = ConvKernels.PackKernel(w.Lend<float>(), _shape, _packed);
        long imageBytes = (long)_shape.OutPositions * _shape.Cout * sizeof(float);
        _sliceImages = (int)Math.Clamp(TargetSliceBytes / Math.Max(imageBytes, 1), 1, n);
        _slices = (n + _sliceImages - 1) / _sliceImages;
        _parts = _shape.MultiplyAdds < Gemm.ParallelThreshold ? 1 : Math.Min(ForkJoin.MaxParallelism, _slices);
        fixed (float* px = x.Lend<float>(), pw = w.Lend<float>(), pb = bias.Lend<float>(), py = y.Lend<float>())
        {
            (_x, _w, _bias, _y) = ((nint)px, (nint)pw, (nint)pb, (nint)py);
            if (_parts == 1) RunPart(0);
            else ForkJoin.Run(_parts, _body);
            (_x, _w, _bias, _y) = (0, 0, 0, 0);
        }
        // Lent spans (docs/design/tensor-storage.md): the arguments stay reachable until the kernels are done.
        GC.KeepAlive(x);
        GC.KeepAlive(w);
        GC.KeepAlive(bias);
        return y;
    }

    /// <summary>Part <paramref name="t"/>: its slices, one after the other, through the calling thread's scratch buffer.</summary>
    private void RunPart(int t)
    {
        var s = _shape;
        var geo = _geometry;
        int first = (int)((long)_slices * t / _parts), last = (int)((long)_slices * (t + 1) / _parts);
        if (_direct)
        {
            int n0 = first * _sliceImages, n1 = Math.Min(s.N, last * _sliceImages);
            if (n1 > n0) ConvPoolDirect.Run((float*)_x, (float*)_w, (float*)_bias, _activation, (float*)_y, s, geo, n0, n1 - n0);
            return;
        }
        long inImage = (long)s.InPositions * s.Cin, outImage = (long)geo.OD * geo.OH * geo.OW * geo.C;
        int convImage = s.OutPositions * s.Cout;
        float* scratch = Scratch(_sliceImages * convImage);
        for (int slice = first; slice < last; slice++)
        {
            int n0 = slice * _sliceImages, count = Math.Min(_sliceImages, s.N - n0);
            ConvKernels.ForwardOneThread((float*)_x + n0 * inImage, _packed!, (float*)_bias, _activation, scratch, s.WithBatch(count));
            var args = new KernelArgs(geo, (nint)scratch, (nint)((float*)_y + n0 * outImage));
            if (MaxPoolTiled.Fits(geo, DType.Float32)) MaxPoolTiled.ForwardRows(args, 0, count * geo.OD * geo.OH);
            else MaxPoolOp.Rows<float>(args, 0, count * geo.OD * geo.OH);
        }
    }

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>The calling thread's slice buffer of at least <paramref name="length"/> values (pinned, 64-byte aligned, grown once).</summary>
    private static float* Scratch(int length)
    {
        if (t_scratch is null || t_scratch.Length < length + 16) t_scratch = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        var p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_scratch));
        return (float*)((p + 63) & ~(nint)63);
    }
}

using LayerGen.Kernels;

namespace LayerGen.Graphs;

/// <summary>
/// A training plan's shallow convolution layer <c>act(conv(x, W) + b)</c> followed by a 2×2 max pooling
/// (<see cref="ConvKeepPoolFusion"/>): writes the convolution's output (kept for the gradients) and, in the same pass from
/// the registers (<see cref="ConvPoolDirect"/> with its full output), the pooled values into <see cref="PlannedPooled"/>
/// for the pool's <see cref="PooledByConvStep"/>: the pool does not read the 11 MB output again. Same arithmetic as
/// <see cref="ConvStep"/> and <see cref="Operations.MaxPoolOp"/>, so the same bits. Both cores over the images. When the
/// output's only other reader is the fused MaxPool + ReLU gradient that takes the pool's route bytes
/// (<see cref="PlannedPooled.Route"/>), it writes those (one byte per pooled value) instead of the 11 MB output.
/// Arguments: x, the kernel, the bias.
/// </summary>
internal sealed unsafe class ConvKeepPoolStep : PlanStep
{
    private readonly ConvOp _conv;
    private readonly MaxPoolOp _pool;
    private readonly TensorSpec _poolSpec;
    private readonly FusedActivation _activation;
    private readonly PlannedPooled _pooled;
    private readonly Action<int> _body;
    // Per run: what the chunks read.
    private ConvShape _shape;
    private PoolGeometry _geometry;
    private nint _x, _w, _bias, _y, _p, _route;
    private int _chunks;

    public ConvKeepPoolStep(int nodeId, ConvOp conv, int[] inputs, TensorSpec spec, Tensor? buffer, FusedActivation activation,
        MaxPoolOp pool, TensorSpec poolSpec, PlannedPooled pooled)
        : base(nodeId, conv, inputs, spec, buffer)
    {
        _conv = conv;
        _pool = pool;
        _poolSpec = poolSpec;
        _activation = activation;
        _pooled = pooled;
        _body = RunChunk;
    }

    /// <summary>Whether the last run wrote the pool's route bytes instead of the convolution's output.</summary>
    internal bool WroteRouteLastRun => _pooled.RouteFilled;

    /// <inheritdoc/>
    public override Tensor Execute()
    {
        _pooled.Filled = false;
        _pooled.RouteFilled = false;
        Tensor x = Arguments[0], w = Arguments[1], bias = Arguments[2];
        var y = new KernelOutput(Spec, Buffer).Allocate(zeroed: false);
        AllocatedLastRun = Buffer is null || !y.SharesStorageWith(Buffer);
        _shape = ConvAttributes.KernelShape(x.Shape, Spec.Shape, w.Shape.Dims[.._conv.SpatialRank], _conv.Strides, _conv.Pads, _conv.Dilations, _conv.Groups);
        bool direct = x.DType == DType.Float32 && Spec.Shape == y.Shape && _pooled.Value.Shape == _poolSpec.Shape;
        if (direct)
        {
            _geometry = PoolGeometry.Of(Spec.Shape, _poolSpec.Shape, _pool.Window, _pool.Strides, _pool.Pads);
            direct = ConvPoolDirect.Fits(_shape, _geometry, _activation) && ConvPoolDirect.CoversAll(_geometry);
        }
        if (!direct || _shape.N == 0)
        {
            ConvKernels.Forward(x.Lend<float>(), w.Lend<float>(), bias.Lend<float>(), _activation, y.Lend<float>(), _shape);
            GC.KeepAlive(x);
            GC.KeepAlive(w);
            GC.KeepAlive(bias);
            return y;
        }
        _chunks = _shape.MultiplyAdds < Gemm.ParallelThreshold ? 1 : Math.Min(_shape.N, 4 * ForkJoin.MaxParallelism);
        // The output's only other reader takes the route bytes: write those instead of the output (PlannedPooled.Route).
        bool route = _pooled.Route is not null && _pooled.RouteHasConsumer;
        fixed (float* px = x.Lend<float>(), pw = w.Lend<float>(), pb = bias.Lend<float>(), py = y.Lend<float>(), pp = _pooled.Value.Lend<float>())
        fixed (byte* pr = route ? _pooled.Route : null)
        {
            (_x, _w, _bias, _y, _p, _route) = ((nint)px, (nint)pw, (nint)pb, route ? 0 : (nint)py, (nint)pp, (nint)pr);
            try
            {
                if (_chunks == 1) RunChunk(0);
                else ForkJoin.RunChunks(_chunks, _body);
            }
            finally { (_x, _w, _bias, _y, _p, _route) = (0, 0, 0, 0, 0, 0); }
        }
        // Lent spans (docs/design/tensor-storage.md): the arguments stay reachable until the kernels are done.
        GC.KeepAlive(x);
        GC.KeepAlive(w);
        GC.KeepAlive(bias);
        GC.KeepAlive(_pooled.Value);
        _pooled.Filled = true;
        _pooled.RouteFilled = route;
        return y;
    }

    /// <summary>Chunk <paramref name="c"/>: images [N·c/chunks, N·(c+1)/chunks).</summary>
    private void RunChunk(int c)
    {
        int n = _shape.N;
        int n0 = (int)((long)n * c / _chunks), n1 = (int)((long)n * (c + 1) / _chunks);
        if (n1 > n0)
            ConvPoolDirect.Run((float*)_x, (float*)_w, (float*)_bias, _activation, (float*)_p, _shape, _geometry, n0, n1 - n0, (float*)_y, (byte*)_route);
    }
}

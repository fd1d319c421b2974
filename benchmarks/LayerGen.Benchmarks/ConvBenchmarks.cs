using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 16's convolution targets: float32 Conv2D forward, input gradient (<see cref="ConvTransposeOp"/>) and kernel
/// gradient (<see cref="ConvFilterGradOp"/>) on the Fashion-MNIST convnet's two convolutions and a ResNet-style 3×3,
/// each kernel writing a preallocated output as in an <see cref="ExecutionPlan"/>; in the same run, the GEMM of the
/// im2col shape (rows × window·Cin by Cout) and a square GEMM of the same multiply-adds (the GEMM's rate on this
/// machine). GFLOP/s = 2 · multiply-adds / mean (<see cref="MultiplyAdds"/>). PyTorch's numbers for the same
/// convolutions: <c>benchmarks/References/pytorch_conv.py</c>.
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    /// <summary>The convolution: batch, height, width, in channels, out channels, window, padding ("valid"/"same").</summary>
    public enum Case
    {
        /// <summary>Batch 128, 28×28×1 → 3×3×32, valid (the convnet's first convolution).</summary>
        Convnet1,
        /// <summary>Batch 128, 13×13×32 → 3×3×64, valid (the convnet's second).</summary>
        Convnet2,
        /// <summary>Batch 32, 56×56×64 → 3×3×64, same (a ResNet stage).</summary>
        ResNet3x3,
    }

    /// <summary>The convolution measured.</summary>
    [Params(Case.Convnet1, Case.Convnet2, Case.ResNet3x3)]
    public Case Shape { get; set; }

    private ConvOp _conv = null!;
    private ConvTransposeOp _inputGrad = null!;
    private ConvFilterGradOp _filterGrad = null!;
    private MatMulOp _matMul = null!;
    private Tensor _x = null!, _w = null!, _dy = null!, _y = null!, _dx = null!, _dw = null!;
    private Tensor _a = null!, _b = null!, _c = null!, _sa = null!, _sb = null!, _sc = null!;

    /// <summary>Multiply-adds of one pass (the same for the forward, the two gradients and the same-shape GEMM).</summary>
    public static long MultiplyAdds(Case c)
    {
        var (n, h, w, cin, cout, k, same) = Sizes(c);
        int oh = same ? h : h - k + 1, ow = same ? w : w - k + 1;
        return (long)n * oh * ow * cout * cin * k * k;
    }

    private static (int N, int H, int W, int Cin, int Cout, int K, bool Same) Sizes(Case c) => c switch
    {
        Case.Convnet1 => (128, 28, 28, 1, 32, 3, false),
        Case.Convnet2 => (128, 13, 13, 32, 64, 3, false),
        _ => (32, 56, 56, 64, 64, 3, true),
    };

    /// <summary>Random inputs and the outputs the kernels write.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (n, h, w, cin, cout, k, same) = Sizes(Shape);
        var g = new RandomGenerator(1);
        int[] strides = [1, 1], dilations = [1, 1];
        var pads = same ? ConvGeometry.Pads("same", [h, w], [k, k], strides, dilations) : [0, 0, 0, 0];
        _conv = new ConvOp(strides, pads, dilations, 1);
        _inputGrad = new ConvTransposeOp([h, w], strides, pads, dilations, 1);
        _filterGrad = new ConvFilterGradOp([k, k], strides, pads, dilations, 1);
        _x = g.Normal([n, h, w, cin]);
        _w = g.Normal([k, k, cin, cout]);
        var ySpec = _conv.InferOutput([_x.Spec, _w.Spec]);
        _y = Tensor.Zeros(ySpec.Shape);
        _dy = g.Normal(ySpec.Shape);
        _dx = Tensor.Zeros(_x.Shape);
        _dw = Tensor.Zeros(_w.Shape);
        _matMul = new MatMulOp(false, false);
        int rows = ySpec.Shape[0] * ySpec.Shape[1] * ySpec.Shape[2];
        _a = g.Normal([rows, k * k * cin]);
        _b = g.Normal([k * k * cin, cout]);
        _c = Tensor.Zeros([rows, cout]);
        int side = (int)Math.Round(Math.Cbrt(MultiplyAdds(Shape)) / 16) * 16;
        _sa = g.Normal([side, side]);
        _sb = g.Normal([side, side]);
        _sc = Tensor.Zeros([side, side]);
        Console.WriteLine($"// {Shape}: {MultiplyAdds(Shape) / 1e6:F1} M multiply-adds per pass; square GEMM side {side} ({(double)side * side * side / 1e6:F1} M)");
    }

    /// <summary>y = conv(x, w).</summary>
    [Benchmark]
    public Tensor Forward() => _conv.Compute([_x, _w], new KernelOutput(_y.Spec, _y));

    /// <summary>dx = conv_transpose(dy, w).</summary>
    [Benchmark]
    public Tensor BackwardInput() => _inputGrad.Compute([_dy, _w], new KernelOutput(_dx.Spec, _dx));

    /// <summary>dw = the kernel gradient of (x, dy).</summary>
    [Benchmark]
    public Tensor BackwardFilter() => _filterGrad.Compute([_x, _dy], new KernelOutput(_dw.Spec, _dw));

    /// <summary>The GEMM of the im2col shape: [rows, window·Cin] @ [window·Cin, Cout].</summary>
    [Benchmark]
    public Tensor GemmSameShape() => _matMul.Compute([_a, _b], new KernelOutput(_c.Spec, _c));

    /// <summary>A square GEMM of (about) the same multiply-adds.</summary>
    [Benchmark(Baseline = true)]
    public Tensor GemmSquare() => _matMul.Compute([_sa, _sb], new KernelOutput(_sc.Spec, _sc));
}

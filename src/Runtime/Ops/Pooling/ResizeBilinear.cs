using System.Numerics;

namespace LayerGen.Operations;

/// <summary>
/// Bilinear resize of channels-last images <c>(N, H, W, C)</c> to <c>(N, Size[0], Size[1], C)</c>, as Keras 3's
/// <c>ops.image.resize(interpolation="bilinear", antialias=False)</c> computes it (half-pixel centres: output
/// <c>o</c> samples input coordinate <c>(o + 0.5) * in / out - 0.5</c>; the two neighbours' triangle weights are
/// normalised over the cells that exist, so the edges repeat): first along the height, then along the width. An
/// axis whose size does not change is copied. The gradient scatters back with the same weights
/// (<see cref="ResizeBilinearGradOp"/>).
/// </summary>
[Op("ResizeBilinear")]
public sealed partial class ResizeBilinearOp : Op
{
    /// <summary>Creates the op; <paramref name="size"/> is the output <c>[height, width]</c>, both positive.</summary>
    public ResizeBilinearOp(int[] size)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size.Length != 2 || size[0] <= 0 || size[1] <= 0)
            throw new OpAttributeException("ResizeBilinear", "size", $"must be two positive numbers [height, width], got [{PoolGeometry.List(size)}].");
        Size = size;
    }

    /// <summary>The output <c>[height, width]</c>.</summary>
    public int[] Size { get; }

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectFloating(inputs[0]);
        var s = inputs[0].Shape;
        if (s.Rank != 4)
            throw new ShapeMismatchException(Name, $"expects images of rank 4 (batch, height, width, channels), got shape {s}.", s);
        if (s[1] == 0 || s[2] == 0)
            throw new ShapeMismatchException(Name, $"cannot resize empty images of shape {s}.", s);
        return new(new Shape(s[0], Size[0], Size[1], s[3]), inputs[0].DType);
    }

    /// <summary>
    /// The two input cells output index <paramref name="o"/> of an axis reads, and their weights (Keras's weight
    /// matrix: triangle weights in float64, normalised by their sum, then rounded to the tensor's type).
    /// </summary>
    internal static (int I0, int I1, double W0, double W1) Taps(int o, int input, int output)
    {
        if (input == output) return (o, o, 1, 0);
        double sample = (o + 0.5) * (1.0 / ((double)output / input)) - 0.5;
        int i0 = (int)Math.Floor(sample);
        double w0 = 1 - (sample - i0), w1 = 1 - (i0 + 1 - sample);
        if (i0 < 0) return (0, 0, 1, 0);
        if (i0 + 1 >= input) return (input - 1, input - 1, 1, 0);
        double sum = w0 + w1;
        return (i0, i0 + 1, w0 / sum, w1 / sum);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var y = output.Allocate(zeroed: false);
        if (y.DType == DType.Float32) Run<float>(inputs[0], y);
        else Run<double>(inputs[0], y);
        return y;
    }

    private static unsafe void Run<T>(Tensor x, Tensor y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Size == 0) return;
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3], oh = y.Shape[1], ow = y.Shape[2];
        fixed (T* px = x.Data<T>(), py = y.Data<T>())
            PoolGeometry.Parallel(n * oh, (long)y.Size * 4, &Rows<T>, new KernelArgs(PoolGeometry.ForResize(n, h, w, c, oh, ow), (nint)px, (nint)py));
    }

    private static unsafe void Rows<T>(in KernelArgs args, int begin, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var geo = args.Geo;
        int h = geo.H, w = geo.W, c = geo.C, oh = geo.OH, ow = geo.OW;
        T* xx = (T*)args.A, yy = (T*)args.B;
        for (int row = begin; row < end; row++)
        {
            int b = row / oh, oy = row % oh;
            var (y0, y1, wy0d, wy1d) = Taps(oy, h, oh);
            T wy0 = T.CreateTruncating(wy0d), wy1 = T.CreateTruncating(wy1d);
            T* r0 = xx + ((long)b * h + y0) * w * c, r1 = xx + ((long)b * h + y1) * w * c;
            T* dst = yy + (long)row * ow * c;
            for (int ox = 0; ox < ow; ox++)
            {
                var (x0, x1, wx0d, wx1d) = Taps(ox, w, ow);
                T wx0 = T.CreateTruncating(wx0d), wx1 = T.CreateTruncating(wx1d);
                for (int ch = 0; ch < c; ch++)
                {
                    // Height first, then width, as Keras's numpy backend contracts the axes.
                    T a = r0[x0 * c + ch] * wy0 + r1[x0 * c + ch] * wy1;
                    T bb = r0[x1 * c + ch] * wy0 + r1[x1 * c + ch] * wy1;
                    dst[ox * c + ch] = a * wx0 + bb * wx1;
                }
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(ResizeBilinearGradOp.Instance, g, inputs[0])];
}

/// <summary>
/// The gradient of <see cref="ResizeBilinearOp"/>: <c>ResizeBilinearGrad(g, x)</c> has <c>x</c>'s shape (only the shape is
/// read) and adds each <c>g</c> value, times its weights, to the input cells it was interpolated from. Linear in
/// <c>g</c>; its gradient with respect to <c>g</c> is <see cref="ResizeBilinearOp"/> to <c>g</c>'s size.
/// </summary>
[Op("ResizeBilinearGrad")]
public sealed partial class ResizeBilinearGradOp : Op
{
    /// <summary>The op (it has no attributes).</summary>
    public static readonly ResizeBilinearGradOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectFloating(inputs[0], "g");
        Shape g = inputs[0].Shape, x = inputs[1].Shape;
        if (g.Rank != 4 || x.Rank != 4 || !g[0..1].IsCompatibleWith(x[0..1]) || !g[3..].IsCompatibleWith(x[3..]))
            throw new ShapeMismatchException(Name, $"the gradient of shape {g} and the images of shape {x} must both be (batch, height, width, channels) with the same batch and channels.", g, x);
        if (g[1] == Shape.Unknown || g[2] == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the gradient's height and width must be known, got shape {g}.", g, x);
        return new(x, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var r = output.Allocate();
        if (r.DType == DType.Float32) Run<float>(inputs[0], r);
        else Run<double>(inputs[0], r);
        return r;
    }

    private static unsafe void Run<T>(Tensor g, Tensor r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Size == 0 || r.Size == 0) return;
        int n = r.Shape[0], h = r.Shape[1], w = r.Shape[2], c = r.Shape[3], oh = g.Shape[1], ow = g.Shape[2];
        // Output rows of one image scatter into shared input rows, so the images are split between the cores.
        fixed (T* pg = g.Data<T>(), pr = r.Data<T>())
            PoolGeometry.Parallel(n, (long)g.Size * 4, &Images<T>, new KernelArgs(PoolGeometry.ForResize(n, h, w, c, oh, ow), (nint)pg, (nint)pr));
    }

    private static unsafe void Images<T>(in KernelArgs args, int begin, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var geo = args.Geo;
        int h = geo.H, w = geo.W, c = geo.C, oh = geo.OH, ow = geo.OW;
        T* gg = (T*)args.A, rr = (T*)args.B;
        for (int b = begin; b < end; b++)
            for (int oy = 0; oy < oh; oy++)
            {
                var (y0, y1, wy0d, wy1d) = ResizeBilinearOp.Taps(oy, h, oh);
                T wy0 = T.CreateTruncating(wy0d), wy1 = T.CreateTruncating(wy1d);
                T* r0 = rr + ((long)b * h + y0) * w * c, r1 = rr + ((long)b * h + y1) * w * c;
                T* src = gg + ((long)b * oh + oy) * ow * c;
                for (int ox = 0; ox < ow; ox++)
                {
                    var (x0, x1, wx0d, wx1d) = ResizeBilinearOp.Taps(ox, w, ow);
                    T wx0 = T.CreateTruncating(wx0d), wx1 = T.CreateTruncating(wx1d);
                    for (int ch = 0; ch < c; ch++)
                    {
                        T v = src[ox * c + ch];
                        T a = v * wx0, bb = v * wx1;
                        r0[x0 * c + ch] += a * wy0;
                        r1[x0 * c + ch] += a * wy1;
                        r0[x1 * c + ch] += bb * wy0;
                        r1[x1 * c + ch] += bb * wy1;
                    }
                }
            }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new ResizeBilinearOp([inputs[0].Shape[1], inputs[0].Shape[2]]), g), null];
}

public static partial class Ops
{
    /// <summary>Bilinear resize of channels-last images <c>(N, H, W, C)</c> to <c>(N, height, width, C)</c>, as Keras's <c>ops.image.resize</c> without antialiasing.</summary>
    public static Tensor ResizeBilinear(Tensor images, int height, int width) => OpRunner.Run(new ResizeBilinearOp([height, width]), images);
}

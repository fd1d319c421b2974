namespace LayerGen.Kernels;

/// <summary>
/// One convolution's sizes, as the kernels use them: spatial rank 1 and 2 are treated as rank 3 with leading axes of
/// length 1 (window 1, stride 1, no padding), so one loop nest serves 1D, 2D and 3D. "Input" and "output" are those of
/// the forward convolution (<c>x</c>: N × in × Cin, <c>y</c>: N × out × Cout, kernel: window × Cin/groups × Cout), also
/// when the kernels run its gradients.
/// </summary>
internal readonly struct ConvShape
{
    public readonly int N, Cin, Cout, Groups;
    public readonly int ID, IH, IW, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW;

    public ConvShape(int n, ReadOnlySpan<int> input, int cin, ReadOnlySpan<int> output, int cout, ReadOnlySpan<int> window,
        ReadOnlySpan<int> strides, ReadOnlySpan<int> padsBegin, ReadOnlySpan<int> dilations, int groups)
    {
        N = n; Cin = cin; Cout = cout; Groups = groups;
        int r = input.Length, o = 3 - r;
        int At(ReadOnlySpan<int> s, int axis, int fill) => axis < o ? fill : s[axis - o];
        ID = At(input, 0, 1); IH = At(input, 1, 1); IW = At(input, 2, 1);
        OD = At(output, 0, 1); OH = At(output, 1, 1); OW = At(output, 2, 1);
        KD = At(window, 0, 1); KH = At(window, 1, 1); KW = At(window, 2, 1);
        SD = At(strides, 0, 1); SH = At(strides, 1, 1); SW = At(strides, 2, 1);
        PD = At(padsBegin, 0, 0); PH = At(padsBegin, 1, 0); PW = At(padsBegin, 2, 0);
        DD = At(dilations, 0, 1); DH = At(dilations, 1, 1); DW = At(dilations, 2, 1);
    }

    private ConvShape(in ConvShape s, int n)
    {
        this = s;
        N = n;
    }

    /// <summary>The same convolution over <paramref name="n"/> images (a slice of the batch).</summary>
    public ConvShape WithBatch(int n) => new(this, n);

    /// <summary>Input channels per group.</summary>
    public int Cg => Cin / Groups;
    /// <summary>Output channels (filters) per group.</summary>
    public int Fg => Cout / Groups;
    /// <summary>Window positions.</summary>
    public int Taps => KD * KH * KW;
    /// <summary>Length of one im2col row: the depth of the GEMM (window positions × channels per group).</summary>
    public int Depth => Taps * Cg;
    /// <summary>Output positions per image.</summary>
    public int OutPositions => OD * OH * OW;
    /// <summary>Input positions per image.</summary>
    public int InPositions => ID * IH * IW;
    /// <summary>Rows of the GEMM: output positions of the whole batch.</summary>
    public long Rows => (long)N * OutPositions;

    /// <summary>A 1×1 window, stride 1, no padding, one group: the convolution is the GEMM <c>x[N·P, Cin] @ w[Cin, Cout]</c>.</summary>
    public bool IsPointwise => Taps == 1 && Groups == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0
        && OD == ID && OH == IH && OW == IW;

    /// <summary>Multiply-adds of the forward convolution (as of each of its two gradients).</summary>
    public long MultiplyAdds => Rows * Depth * Cout;
}

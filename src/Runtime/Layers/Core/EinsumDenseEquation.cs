using System.Text.RegularExpressions;

namespace LayerGen.Layers;

/// <summary>Keras's <c>_analyze_einsum_string</c>: the kernel, bias and output shapes of an <see cref="EinsumDense"/>.</summary>
internal static partial class EinsumDenseEquation
{
    /// <summary>The weight and output shapes.</summary>
    internal readonly record struct Analysis(Shape KernelShape, Shape? BiasShape, Shape FullOutputShape, int[] InputAxes, int[] OutputAxes);

    [GeneratedRegex("^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")]
    private static partial Regex Plain();

    [GeneratedRegex("^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$")]
    private static partial Regex LeftElided();

    [GeneratedRegex("^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$")]
    private static partial Regex RightElided();

    /// <summary>The input, kernel and output subscripts and whether <c>...</c> leads; throws Keras's error for other forms.</summary>
    public static (string Input, string Weight, string Output, bool LeftElided) Split(string equation)
    {
        string e = equation.Replace("...", "0", StringComparison.Ordinal);
        if (Plain().Match(e) is { Success: true } m) return (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, false);
        if (LeftElided().Match(e) is { Success: true } l) return (l.Groups[1].Value, l.Groups[2].Value, l.Groups[3].Value, true);
        if (RightElided().Match(e) is { Success: true } r) return (r.Groups[1].Value, r.Groups[2].Value, r.Groups[3].Value, false);
        throw new ArgumentException($"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....", nameof(equation));
    }

    /// <summary>Keras's <c>_analyze_split_string</c>.</summary>
    public static Analysis Analyze(string equation, string? biasAxes, Shape inputShape, Shape partialOutputShape)
    {
        var (inputSpec, weightSpec, outputSpec, leftElided) = Split(equation);
        int elided = inputShape.Rank - inputSpec.Length;
        var output = new List<int>(partialOutputShape.ToArray());
        output.Insert(0, inputShape[0]);
        if (elided > 0 && leftElided)
            for (int i = 1; i < elided; i++) output.Insert(1, inputShape[i]);
        else if (elided > 0)
            for (int i = inputShape.Rank - elided; i < inputShape.Rank; i++) output.Add(inputShape[i]);

        var inputDim = new Dictionary<char, int>();
        var outputDim = new Dictionary<char, int>();
        for (int i = 0; i < inputSpec.Length; i++) inputDim[inputSpec[i]] = leftElided ? i + elided : i;
        for (int i = 0; i < outputSpec.Length; i++) outputDim[outputSpec[i]] = leftElided ? i + elided : i;

        foreach (char dim in inputSpec)
        {
            int inAt = inputShape[inputDim[dim]];
            if (outputDim.TryGetValue(dim, out int o) && o < output.Count && output[o] != Shape.Unknown && output[o] != inAt)
                throw new ArgumentException($"Input shape and output shape do not match at shared dimension '{dim}'. Input shape is {Show(inAt)}, and output shape is {Show(output[o])}.");
        }
        foreach (char dim in outputSpec)
            if (!inputSpec.Contains(dim) && !weightSpec.Contains(dim))
                throw new ArgumentException($"Dimension '{dim}' was specified in the output '{outputSpec}' but has no corresponding dim in the input spec '{inputSpec}' or weight spec '{outputSpec}'");
        if (output.Count != inputShape.Rank - inputSpec.Length + outputSpec.Length)
            throw new ArgumentException($"EinsumDense: output_shape {partialOutputShape} does not match the output spec '{outputSpec}' of '{equation}' for input shape {inputShape}.");

        var weight = new int[weightSpec.Length];
        var kernelInputAxes = new List<int>();
        var kernelOutputAxes = new List<int>(); // Keras: the kernel axes that are output (else input) dimensions, for the initializer's fans
        for (int i = 0; i < weightSpec.Length; i++)
        {
            char dim = weightSpec[i];
            if (outputDim.TryGetValue(dim, out int o)) { weight[i] = output[o]; kernelOutputAxes.Add(i); }
            else if (inputDim.TryGetValue(dim, out int n)) { weight[i] = inputShape[n]; kernelInputAxes.Add(i); }
            else throw new ArgumentException($"Weight dimension '{dim}' did not have a match in either the input spec '{inputSpec}' or the output spec '{outputSpec}'. For this layer, the weight must be fully specified.");
            if (weight[i] == Shape.Unknown)
                throw new ArgumentException($"EinsumDense: the size of kernel dimension '{dim}' of '{equation}' is unknown (input shape {inputShape}, output_shape {partialOutputShape}).");
        }

        Shape? bias = null;
        if (biasAxes is not null)
        {
            int numLeftElided = leftElided ? elided : 0;
            foreach (char c in biasAxes)
                if (!outputSpec.Contains(c))
                    throw new ArgumentException($"Bias dimension '{c}' was requested, but is not part of the output spec '{outputSpec}'");
            int first = biasAxes.Min(c => outputSpec.IndexOf(c));
            var dims = new List<int>();
            for (int i = first; i < outputSpec.Length; i++)
                dims.Add(biasAxes.Contains(outputSpec[i]) ? output[i + numLeftElided] : 1);
            if (!leftElided)
                for (int i = 0; i < elided; i++) dims.Add(1);
            bias = new Shape([.. dims]);
        }
        return new Analysis(new Shape(weight), bias, new Shape([.. output]), [.. kernelInputAxes], [.. kernelOutputAxes]);
    }

    private static string Show(int d) => d == Shape.Unknown ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

namespace LayerGen.Plotting;

/// <summary>What <see cref="TrainingCurves"/> draws and how large.</summary>
public sealed record TrainingCurvesOptions
{
    /// <summary>
    /// The quantities to draw, one panel each, by their training name (<c>"loss"</c>, <c>"accuracy"</c>); each panel
    /// also draws the <c>val_</c> curve when the history has it. Null (the default): every quantity in the history, in
    /// the order <c>Fit</c> logged them.
    /// </summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>The picture's width in pixels; 0 (the default) gives each panel 480.</summary>
    public int Width { get; init; }

    /// <summary>The picture's height in pixels; 0 (the default) gives each row of panels 360.</summary>
    public int Height { get; init; }

    /// <summary>The most panels side by side before a new row starts (3 by default).</summary>
    public int MaxColumns { get; init; } = 3;

    /// <summary>The x axis's label (the epochs are numbered from 1, as the progress bar counts them).</summary>
    public string XLabel { get; init; } = "epoch";
}

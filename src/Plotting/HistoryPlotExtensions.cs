using LayerGen.Callbacks;

namespace LayerGen.Plotting;

/// <summary><c>history.PlotTo("curves.svg")</c>: <see cref="TrainingCurves"/> on the <see cref="History"/> that <c>Fit</c> returns.</summary>
public static class HistoryPlotExtensions
{
    /// <summary>
    /// Writes the training curves of <paramref name="history"/> to <paramref name="path"/> (<c>.svg</c> or <c>.png</c>)
    /// and returns the full path written; see <see cref="TrainingCurves.Save"/>.
    /// </summary>
    public static string PlotTo(this History history, string path, TrainingCurvesOptions? options = null)
        => TrainingCurves.Save(history, path, options);
}

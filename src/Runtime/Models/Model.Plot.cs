namespace LayerGen.Models;

public partial class Model
{
    /// <summary>
    /// The model as Graphviz DOT text (Keras's <c>keras.utils.model_to_dot</c>, same arguments and defaults):
    /// one box per layer, arrows along the connections. See <see cref="ModelDot"/>.
    /// </summary>
    /// <param name="showShapes">Show each layer's input and output shapes.</param>
    /// <param name="showDtype">Show each layer's output dtype.</param>
    /// <param name="showLayerNames">Show the layer names (the class alone otherwise).</param>
    /// <param name="rankDir"><c>TB</c> draws top to bottom, <c>LR</c> left to right (also <c>BT</c>, <c>RL</c>).</param>
    /// <param name="expandNested">Draw nested models as dashed clusters of their layers.</param>
    /// <param name="dpi">The resolution of the rendered picture.</param>
    /// <param name="showLayerActivations">Show the activation of the layers that have one.</param>
    /// <param name="showTrainable">Show whether each layer with weights trains.</param>
    /// <param name="splines">How Graphviz draws edges: <c>ortho</c>, <c>curved</c>, <c>polyline</c>, <c>spline</c>, <c>line</c>.</param>
    public string ToDot(bool showShapes = false, bool showDtype = false, bool showLayerNames = true, string rankDir = "TB",
        bool expandNested = false, int dpi = 200, bool showLayerActivations = false, bool showTrainable = false, string splines = "ortho")
        => ModelDot.Write(this, new ModelDotOptions
        {
            ShowShapes = showShapes, ShowDtype = showDtype, ShowLayerNames = showLayerNames, RankDir = rankDir, ExpandNested = expandNested,
            Dpi = dpi, ShowLayerActivations = showLayerActivations, ShowTrainable = showTrainable, Splines = splines,
        });

    /// <summary>
    /// Draws the model into <paramref name="toFile"/> with Graphviz (Keras's <c>keras.utils.plot_model</c>, same
    /// arguments and defaults; see <see cref="ToDot"/>). The format follows the extension (<c>.png</c>, <c>.svg</c>,
    /// <c>.pdf</c>, ...; PNG without one); <c>.dot</c> or <c>.gv</c> writes the DOT text itself, without Graphviz.
    /// Without Graphviz the DOT text is written next to <paramref name="toFile"/> (same name, <c>.dot</c>) and a
    /// <see cref="GraphvizNotFoundException"/> says what to install; <see cref="GraphvizException"/> when <c>dot</c> fails.
    /// Returns the path written.
    /// </summary>
    /// <param name="toFile">The picture's path.</param>
    /// <param name="showShapes">Show each layer's input and output shapes.</param>
    /// <param name="showDtype">Show each layer's output dtype.</param>
    /// <param name="showLayerNames">Show the layer names (the class alone otherwise; off by default, as in Keras's <c>plot_model</c>).</param>
    /// <param name="rankDir"><c>TB</c> draws top to bottom, <c>LR</c> left to right (also <c>BT</c>, <c>RL</c>).</param>
    /// <param name="expandNested">Draw nested models as dashed clusters of their layers.</param>
    /// <param name="dpi">The resolution of the rendered picture.</param>
    /// <param name="showLayerActivations">Show the activation of the layers that have one.</param>
    /// <param name="showTrainable">Show whether each layer with weights trains.</param>
    /// <param name="splines">How Graphviz draws edges: <c>ortho</c>, <c>curved</c>, <c>polyline</c>, <c>spline</c>, <c>line</c>.</param>
    public string PlotModel(string toFile = "model.png", bool showShapes = false, bool showDtype = false, bool showLayerNames = false,
        string rankDir = "TB", bool expandNested = false, int dpi = 200, bool showLayerActivations = false, bool showTrainable = false,
        string splines = "ortho")
    {
        ArgumentException.ThrowIfNullOrEmpty(toFile);
        var dot = ToDot(showShapes, showDtype, showLayerNames, rankDir, expandNested, dpi, showLayerActivations, showTrainable, splines);
        string full = Path.GetFullPath(toFile);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        string format = Graphviz.FormatOf(toFile);
        if (format is "dot" or "gv")
        {
            File.WriteAllText(full, dot);
            return full;
        }
        if (!Graphviz.IsAvailable)
        {
            string dotPath = Path.ChangeExtension(full, ".dot");
            File.WriteAllText(dotPath, dot);
            throw new GraphvizNotFoundException(
                Graphviz.NotFoundMessage(toFile) + $" The model's graph was written to {dotPath}; draw it later with: dot -T{format} \"{dotPath}\" -o \"{full}\"",
                dotPath);
        }
        Graphviz.Save(dot, full, format);
        return full;
    }
}

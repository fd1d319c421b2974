namespace LayerGen;

/// <summary>
/// Graphviz's <c>dot</c> program failed to draw a DOT graph (<see cref="Models.Model.PlotModel"/>,
/// <see cref="Graphs.Graphviz.Save"/>, <see cref="Graphs.Graphviz.Render"/>). The message carries what <c>dot</c> printed.
/// </summary>
public class GraphvizException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public GraphvizException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public GraphvizException(string message, Exception inner) : base(message, inner) { }
}

namespace LayerGen;

/// <summary>
/// Graphviz's <c>dot</c> program is needed to draw a picture and was found neither in <c>LAYERGEN_DOT</c> nor on
/// <c>PATH</c>. The message says what to install (<c>apt-get install graphviz</c> on Debian and Ubuntu); when the
/// DOT text was written anyway, <see cref="DotPath"/> names that file, which Graphviz can render later.
/// </summary>
public class GraphvizNotFoundException : GraphvizException
{
    /// <summary>Creates the exception.</summary>
    public GraphvizNotFoundException(string message, string? dotPath = null) : base(message) => DotPath = dotPath;

    /// <summary>Creates the exception with an inner cause.</summary>
    public GraphvizNotFoundException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The DOT file written in place of the picture, or null.</summary>
    public string? DotPath { get; }
}

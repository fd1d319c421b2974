namespace LayerGen.Models;

/// <summary>
/// What <see cref="ModelDot"/> draws: the arguments of Keras's <c>keras.utils.model_to_dot</c>, with its defaults.
/// </summary>
public sealed record ModelDotOptions
{
    /// <summary>Whether each box shows the layer's input and output shapes (<c>show_shapes</c>).</summary>
    public bool ShowShapes { get; init; }

    /// <summary>Whether each box shows the layer's output dtype (<c>show_dtype</c>).</summary>
    public bool ShowDtype { get; init; }

    /// <summary>Whether each box shows the layer's name before its class (<c>show_layer_names</c>).</summary>
    public bool ShowLayerNames { get; init; } = true;

    /// <summary>Graphviz's direction: <c>TB</c> (top to bottom, the default), <c>LR</c>, <c>BT</c> or <c>RL</c> (<c>rankdir</c>).</summary>
    public string RankDir { get; init; } = "TB";

    /// <summary>Whether nested functional and sequential models are drawn as dashed clusters of their layers (<c>expand_nested</c>).</summary>
    public bool ExpandNested { get; init; }

    /// <summary>The picture's resolution in dots per inch (<c>dpi</c>).</summary>
    public int Dpi { get; init; } = 200;

    /// <summary>Whether layers with an activation (Dense, Conv2D, Activation, ...) show it (<c>show_layer_activations</c>).</summary>
    public bool ShowLayerActivations { get; init; }

    /// <summary>Whether layers with weights show whether they train (<c>show_trainable</c>).</summary>
    public bool ShowTrainable { get; init; }

    /// <summary>How edges are drawn: <c>ortho</c> (right angles, the default), <c>curved</c>, <c>polyline</c>, <c>spline</c> or <c>line</c> (<c>splines</c>).</summary>
    public string Splines { get; init; } = "ortho";
}

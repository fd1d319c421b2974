// Written by eng/restructure-namespaces.py; edit the map there and run it again.
namespace LayerGen.Tests.Shared;

/// <summary>
/// The global usings a project with ImplicitUsings gets from the LayerGen package
/// (src/Runtime/buildTransitive/LayerGen.Usings.targets), as C# text: test compilations built in memory add it
/// so their sources see the runtime as a user's project does.
/// </summary>
internal static class LayerGenImplicitUsings
{
    /// <summary>The <c>global using</c> directives, one a line.</summary>
    public const string Source = "global using LayerGen;\nglobal using LayerGen.Tensors;\nglobal using LayerGen.Operations;\nglobal using LayerGen.Variables;\nglobal using LayerGen.Autodiff;\nglobal using LayerGen.Graphs;\nglobal using LayerGen.Modules;\nglobal using LayerGen.Saving;\nglobal using LayerGen.Checkpoints;\nglobal using LayerGen.Layers;\nglobal using LayerGen.Models;\nglobal using LayerGen.Training;\nglobal using LayerGen.Formats;\nglobal using LayerGen.Formats.Keras;\nglobal using LayerGen.IO;\nglobal using LayerGen.Distributed;\nglobal using Module = LayerGen.Modules.Module;\nglobal using Tensor = LayerGen.Tensors.Tensor;\n";

    /// <summary>The same as plain <c>using</c> directives on one line (without <c>using LayerGen;</c>), for test sources whose line numbers must not move.</summary>
    public const string Line = "using LayerGen.Tensors; using LayerGen.Operations; using LayerGen.Variables; using LayerGen.Autodiff; using LayerGen.Graphs; using LayerGen.Modules; using LayerGen.Saving; using LayerGen.Checkpoints; using LayerGen.Layers; using LayerGen.Models; using LayerGen.Training; using LayerGen.Formats; using LayerGen.Formats.Keras; using LayerGen.IO; using LayerGen.Distributed; using Module = LayerGen.Modules.Module; using Tensor = LayerGen.Tensors.Tensor;";
}

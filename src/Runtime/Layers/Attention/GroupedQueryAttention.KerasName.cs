using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// The name Keras writes for this class: Keras exports <c>GroupedQueryAttention</c> only as
/// <c>keras.layers.GroupQueryAttention</c>, so its <c>.keras</c> files say <c>"class_name": "GroupQueryAttention"</c> and
/// it cannot load <c>GroupedQueryAttention</c> (no such <c>keras.layers</c> name). LayerGen writes and reads Keras's name
/// and still reads its own class name.
/// </summary>
public partial class GroupedQueryAttention
{
    /// <inheritdoc/>
    public override string ClassName => "GroupQueryAttention";

#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterKerasExportName()
        => LayerRegistry.Register("keras.layers>GroupQueryAttention", static (JsonObject config) => FromConfig(config));
#pragma warning restore CA2255
}

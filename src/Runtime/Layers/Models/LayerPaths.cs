namespace LayerGen;

/// <summary>
/// Paths of a model's layers in its object structure: <c>layers/&lt;snake_case(class)&gt;[_N]</c>, numbered
/// per class in order, as Keras 3's weight files name them. They follow the structure, not the layers'
/// names, so a checkpoint restores into a fresh model whose layers got other unique names.
/// </summary>
internal static class LayerPaths
{
    public static void Visit(IModuleVisitor visitor, IEnumerable<Layer> layers)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            if (layer is LayerGen.Layers.InputLayer) continue;
            string stem = layer.DefaultNameForSession;
            counts.TryGetValue(stem, out int n);
            counts[stem] = n + 1;
            visitor.Module(n == 0 ? "layers/" + stem : $"layers/{stem}_{n}", layer);
        }
    }
}

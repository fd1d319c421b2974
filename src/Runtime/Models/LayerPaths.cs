namespace LayerGen.Models;

/// <summary>
/// Paths of a model's layers in its object structure: <c>layers/&lt;snake_case(class)&gt;[_N]</c>, numbered
/// per class in order, as Keras 3's weight files name them. They follow the structure, not the layers'
/// names, so a checkpoint restores into a fresh model whose layers got other unique names.
/// </summary>
internal static class LayerPaths
{
    public static void Visit(IModuleVisitor visitor, IEnumerable<Layer> layers)
    {
        var names = new ElementNames();
        foreach (var layer in layers)
            if (names.Next(layer) is { } name) visitor.Module("layers/" + name, layer);
    }

    /// <summary>
    /// Names the elements of a list of layers as Keras does: <c>snake_case(class)</c>, then <c>_1</c>, <c>_2</c>... per
    /// class, in order; input layers and Keras op nodes (<see cref="LayerGen.Layers.KerasOperation"/>: mask ops such as
    /// <c>NotEqual</c> or <c>Concatenate</c> from <c>keras.src.ops</c>, which Keras's <c>Functional.layers</c> leaves out,
    /// so they neither get a group nor take a number from a layer of the same name) get no name (they hold nothing);
    /// other modules are <c>module</c>. The model's own
    /// <c>layers/</c> paths and the Keras weights walker (<c>KerasObjectPaths</c>) share it.
    /// </summary>
    internal sealed class ElementNames
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        /// <summary>The next element's name, or null for an input layer or a Keras op node (skipped).</summary>
        public string? Next(Module element)
        {
            if (element is LayerGen.Layers.InputLayer or LayerGen.Layers.KerasOperation) return null;
            string stem = element is Layer layer ? layer.DefaultNameForSession : "module";
            _counts.TryGetValue(stem, out int n);
            _counts[stem] = n + 1;
            return n == 0 ? stem : $"{stem}_{n}";
        }
    }
}

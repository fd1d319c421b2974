namespace LayerGen.Formats.Keras;

/// <summary>One object of a model's structure: its group path in the weights file, its name and its own variables.</summary>
/// <param name="Path">The group path (<c>""</c> for the root, <c>layers/dense</c>); its datasets live under <c>Path/vars</c>.</param>
/// <param name="Name">The object's name, written as the <c>name</c> attribute of the <c>vars</c> group.</param>
/// <param name="Variables">The object's own variables, trainable first, then non-trainable.</param>
internal sealed record KerasObjectEntry(string Path, string Name, IReadOnlyList<Variable> Variables)
{
    /// <summary>The path of the <c>vars</c> group.</summary>
    public string VarsPath => Path.Length == 0 ? "vars" : Path + "/vars";
}

/// <summary>
/// Walks a model as Keras 3's <c>saving_lib._walk_saveable</c> does: Sequential and functional models put their
/// layers first under <c>layers/</c>; other members follow by attribute name, sorted, private ones (<c>_x</c>) last;
/// a list or dict of layers names each element <c>snake_case(class)[_N]</c> in order. Each object is visited once.
/// </summary>
internal static class KerasObjectPaths
{
    /// <summary>Every object beneath <paramref name="root"/> (itself first, at path <c>""</c>), in Keras's order.</summary>
    public static List<KerasObjectEntry> Walk(Module root)
    {
        var list = new List<KerasObjectEntry>();
        var visited = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        Visit(root, "", list, visited);
        return list;
    }

    private static void Visit(Module module, string path, List<KerasObjectEntry> list, HashSet<Module> visited)
    {
        if (!visited.Add(module)) return;
        var members = new Collector();
        module.VisitMembers(members);
        var own = members.Variables.Where(v => v.Trainable).Concat(members.Variables.Where(v => !v.Trainable)).ToList();
        list.Add(new KerasObjectEntry(path, module.Name, own));

        // Group sub-modules by attribute (first path segment), keeping their order.
        var attrs = new List<string>();
        var byAttr = new Dictionary<string, List<(string Path, Module Module)>>(StringComparer.Ordinal);
        foreach (var (p, m) in members.Modules)
        {
            int slash = p.IndexOf('/', StringComparison.Ordinal);
            string attr = slash < 0 ? p : p[..slash];
            if (!byAttr.TryGetValue(attr, out var items)) { items = []; byAttr[attr] = items; attrs.Add(attr); }
            items.Add((p, m));
        }
        bool layersFirst = module is Sequential || module is Model { IsFunctional: true };
        var ordered = attrs
            .OrderBy(a => layersFirst && a == "layers" ? 0 : 1)
            .ThenBy(a => a.StartsWith('_') ? 1 : 0)
            .ThenBy(a => a, StringComparer.Ordinal)
            .ToList();
        foreach (var attr in ordered)
        {
            var items = byAttr[attr];
            string attrPath = ObjectPaths.Join(path, attr);
            if (items.Count == 1 && items[0].Path == attr)
            {
                Visit(items[0].Module, attrPath, list, visited);
                continue;
            }
            var names = new LayerPaths.ElementNames();
            foreach (var (_, m) in items)
            {
                if (names.Next(m) is { } name) Visit(m, attrPath + "/" + name, list, visited);
            }
        }
    }

    private sealed class Collector : IModuleVisitor
    {
        private readonly HashSet<Variable> _seen = new(ReferenceEqualityComparer.Instance);
        public List<Variable> Variables { get; } = [];
        public List<(string Path, Module Module)> Modules { get; } = [];
        public void Variable(string path, Variable variable) { if (variable is not null && _seen.Add(variable)) Variables.Add(variable); }
        public void Module(string path, Module module) { if (module is not null) Modules.Add((path, module)); }
    }
}

namespace LayerGen.Layers;

/// <summary>
/// Keras's unique default names (<c>dense</c>, <c>dense_1</c>, ...), per thread like Keras's global
/// state. A layer takes a ticket when created and gets its name when first asked; names go to the
/// layers without an explicit name in creation order, so the result is what Keras gives at construction.
/// </summary>
internal static class NameSession
{
    [ThreadStatic] private static Dictionary<string, int>? t_counters;
    [ThreadStatic] private static List<WeakReference<Layer>>? t_pending;

    private static Dictionary<string, int> Counters => t_counters ??= new(StringComparer.Ordinal);
    private static List<WeakReference<Layer>> Pending => t_pending ??= [];

    public static void Enqueue(Layer layer) => Pending.Add(new WeakReference<Layer>(layer));

    /// <summary>Assigns names to every pending unnamed layer created up to <paramref name="layer"/>; returns its name.</summary>
    public static string Resolve(Layer layer)
    {
        var pending = Pending;
        int upTo = -1;
        for (int i = 0; i < pending.Count; i++)
        {
            if (pending[i].TryGetTarget(out var l) && ReferenceEquals(l, layer)) { upTo = i; break; }
        }
        for (int i = 0; i <= upTo; i++)
        {
            if (pending[i].TryGetTarget(out var l) && l.NeedsDefaultName) l.AssignDefaultName(Next(l.DefaultNameForSession));
        }
        if (upTo >= 0) pending.RemoveRange(0, upTo + 1);
        if (layer.NeedsDefaultName) layer.AssignDefaultName(Next(layer.DefaultNameForSession));
        return layer.AssignedDefaultName!;
    }

    /// <summary>Keras's <c>auto_name</c>: <c>prefix</c> the first time, then <c>prefix_1</c>, <c>prefix_2</c>...</summary>
    public static string Next(string prefix)
    {
        var counters = Counters;
        counters.TryGetValue(prefix, out int n);
        counters[prefix] = n + 1;
        return n == 0 ? prefix : $"{prefix}_{n}";
    }

    public static void Clear()
    {
        // Layers created before the reset keep the names they would have had.
        var pending = Pending;
        foreach (var w in pending)
            if (w.TryGetTarget(out var l) && l.NeedsDefaultName) l.AssignDefaultName(Next(l.DefaultNameForSession));
        pending.Clear();
        Counters.Clear();
    }
}

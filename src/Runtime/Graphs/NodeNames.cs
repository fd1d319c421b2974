namespace LayerGen.Graphs;

/// <summary>
/// Unique node names within one graph, as TensorFlow makes them: the first use of a name keeps it, later uses get
/// <c>name_1</c>, <c>name_2</c>, ... (skipping any already taken).
/// </summary>
internal sealed class NodeNames
{
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);

    /// <summary><paramref name="name"/>, or the first free <c>name_N</c> when it is taken.</summary>
    public string Unique(string name)
    {
        if (!_next.TryGetValue(name, out int n)) { _next[name] = 1; return name; }
        string candidate;
        do { candidate = $"{name}_{n++}"; } while (_next.ContainsKey(candidate));
        _next[name] = n;
        _next[candidate] = 1;
        return candidate;
    }
}

using LayerGen;

namespace SeedWalkthrough;

/// <summary>Prints lists the way the guide's Python prints tuples.</summary>
internal static class Print
{
    public static string Tuple<T>(IEnumerable<T> items)
    {
        var list = items.Select(i => i?.ToString() ?? "None").ToList();
        return list.Count == 1 ? "(" + list[0] + ",)" : "(" + string.Join(", ", list) + ")";
    }

    public static string Variables(IEnumerable<Variable> variables) => Tuple(variables);
}

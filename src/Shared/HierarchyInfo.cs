using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.SourceGeneration;

/// <summary>One containing type to re-open as <c>partial</c>: its keyword (<c>class</c>, <c>record struct</c>, ...) and its name with type parameters.</summary>
internal sealed record ContainingTypeInfo(string Keyword, string NameWithTypeParameters);

/// <summary>
/// Where a type lives: its namespace (empty for the global namespace), the types it is nested in
/// (outermost first) and the file-name hint. Every emitter uses it to re-open the <c>partial</c>
/// wrappers around a generated member (the Toolkit's <c>HierarchyInfo</c>).
/// </summary>
internal sealed record HierarchyInfo(string Namespace, EquatableArray<ContainingTypeInfo> ContainingTypes, string FileHint)
{
    /// <summary>Reads the hierarchy of <paramref name="type"/>.</summary>
    public static HierarchyInfo From(INamedTypeSymbol type)
    {
        var containing = new List<ContainingTypeInfo>();
        var hint = new List<string> { type.MetadataName };
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingTypeInfo(Keyword(outer), NameWithTypeParameters(outer)));
            hint.Insert(0, outer.MetadataName);
        }
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n
            ? n.ToDisplayString()
            : "";
        if (ns.Length > 0) hint.Insert(0, ns);
        return new HierarchyInfo(ns, containing.ToEquatableArray(), string.Join(".", hint).Replace('`', '_'));
    }

    /// <summary>The keyword that re-opens <paramref name="type"/> (<c>partial</c> goes right before it).</summary>
    public static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    /// <summary><c>Name</c> or <c>Name&lt;T1, T2&gt;</c>, with <c>@</c> before keywords.</summary>
    public static string NameWithTypeParameters(INamedTypeSymbol type)
    {
        string name = EscapeIdentifier(type.Name);
        if (type.TypeParameters.Length == 0) return name;
        return name + "<" + string.Join(", ", type.TypeParameters.Select(p => EscapeIdentifier(p.Name))) + ">";
    }

    /// <summary>Prefixes reserved keywords with <c>@</c>.</summary>
    public static string EscapeIdentifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>Writes the namespace line and opens the containing types; returns how many blocks to close.</summary>
    public int WriteOpening(IndentedSourceWriter writer)
    {
        if (Namespace.Length > 0)
        {
            writer.WriteLine("namespace " + Namespace + ";");
            writer.WriteLine();
        }
        foreach (var outer in ContainingTypes)
        {
            writer.WriteLine("partial " + outer.Keyword + " " + outer.NameWithTypeParameters);
            writer.WriteLine("{");
            writer.Indent();
        }
        return ContainingTypes.Count;
    }

    /// <summary>Closes what <see cref="WriteOpening"/> opened.</summary>
    public void WriteClosing(IndentedSourceWriter writer)
    {
        for (int i = 0; i < ContainingTypes.Count; i++)
        {
            writer.Unindent();
            writer.WriteLine("}");
        }
    }
}

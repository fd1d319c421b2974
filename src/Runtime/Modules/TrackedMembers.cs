using System.Globalization;

namespace LayerGen.Modules;

/// <summary>
/// What a generated <see cref="Module.VisitMembers"/> calls for a tracked collection of variables or modules
/// (a list, an array, a dictionary keyed by string): each non-null element is reported under
/// <c>{path}/{index}</c> or <c>{path}/{key}</c>, in the collection's order. A null collection reports nothing.
/// Nested collections and <c>ImmutableArray</c> members are still walked by generated loops.
/// </summary>
public static class TrackedMembers
{
    /// <summary>Reports each variable of <paramref name="variables"/> as <c>{path}/{index}</c>.</summary>
    public static void Variables(IModuleVisitor visitor, string path, IEnumerable<Variable?>? variables)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (variables is null) return;
        int index = 0;
        foreach (var variable in variables)
        {
            if (variable is not null) visitor.Variable(path + "/" + index.ToString(CultureInfo.InvariantCulture), variable);
            index++;
        }
    }

    /// <summary>Reports each module of <paramref name="modules"/> as <c>{path}/{index}</c>.</summary>
    public static void Modules(IModuleVisitor visitor, string path, IEnumerable<Module?>? modules)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (modules is null) return;
        int index = 0;
        foreach (var module in modules)
        {
            if (module is not null) visitor.Module(path + "/" + index.ToString(CultureInfo.InvariantCulture), module);
            index++;
        }
    }

    /// <summary>Reports each variable of a dictionary as <c>{path}/{key}</c>, in enumeration order.</summary>
    public static void VariableDictionary<TVariable>(IModuleVisitor visitor, string path, IEnumerable<KeyValuePair<string, TVariable>>? entries)
        where TVariable : Variable?
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (entries is null) return;
        foreach (var entry in entries)
            if (entry.Value is { } variable) visitor.Variable(path + "/" + entry.Key, variable);
    }

    /// <summary>Reports each module of a dictionary as <c>{path}/{key}</c>, in enumeration order.</summary>
    public static void ModuleDictionary<TModule>(IModuleVisitor visitor, string path, IEnumerable<KeyValuePair<string, TModule>>? entries)
        where TModule : Module?
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (entries is null) return;
        foreach (var entry in entries)
            if (entry.Value is { } module) visitor.Module(path + "/" + entry.Key, module);
    }
}

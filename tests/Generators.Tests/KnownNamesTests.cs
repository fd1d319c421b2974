using System.Reflection;
using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Tests;

/// <summary>
/// The names the generators and analyzers look for (src/Shared/KnownNames.cs) are the runtime's: when a runtime
/// type moves to another namespace (eng/restructure-namespaces.py rewrites them), a name left behind fails here.
/// </summary>
public class KnownNamesTests
{
    private static IEnumerable<(string Field, string Name)> FullNames()
        => typeof(KnownNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (Field: f.Name, Name: (string)f.GetRawConstantValue()!))
            .Where(x => x.Name.StartsWith(KnownNames.Namespace + ".", StringComparison.Ordinal)
                        && x.Field is not (nameof(KnownNames.GeneratorName)));

    [Fact]
    public void EveryFullNameIsARuntimeType()
    {
        var runtime = typeof(Module).Assembly;
        var missing = FullNames().Where(x => runtime.GetType(x.Name) is null && runtime.GetType(x.Name + "`1") is null).Select(x => $"{x.Field} = {x.Name}").ToList();
        Assert.True(missing.Count == 0, "KnownNames that are no runtime type: " + string.Join(", ", missing));
        Assert.True(FullNames().Count() >= 10);
    }

    [Fact]
    public void EverySimpleNameMapsToItsFullName()
    {
        foreach (var field in typeof(KnownNames.Simple).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var simple = (string)field.GetRawConstantValue()!;
            var full = KnownNames.FullName(simple);
            Assert.True(full is not null, $"KnownNames.FullName does not know {simple}");
            Assert.EndsWith("." + simple, full, StringComparison.Ordinal);
            Assert.NotNull(typeof(Module).Assembly.GetType(full));
        }
    }
}

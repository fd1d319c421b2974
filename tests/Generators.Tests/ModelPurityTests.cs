using System.Collections;
using System.Reflection;
using LayerGen.Generators.Models;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Tests;

/// <summary>
/// The models that enter the pipeline hold no symbols, syntax, locations or compilations (they would
/// defeat caching and keep old compilations alive): walked recursively, as System.Text.Json does.
/// </summary>
public class ModelPurityTests
{
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(SemanticModel), typeof(Compilation), typeof(SyntaxTree), typeof(SyntaxToken)];

    [Fact]
    public void ParsedModelsHoldOnlyPlainValues()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using LayerGen;

            namespace MyApp;

            public partial class Outer<T>
            {
                [Module]
                public partial class Everything<TModule> where TModule : Module
                {
                    [TrackAs("kernel")] public Variable W { get; } = new(1f);
                    public TModule? Inner { get; set; }
                    public List<Dictionary<string, Variable[]>> Nested { get; } = [];
                    public ImmutableArray<TModule> Frozen { get; init; }
                }
            }
            """);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[ModuleGenerator.TrackingNames.Parse]
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.IsType<ModuleModel>(o));

        int visited = 0;
        foreach (var output in outputs)
            Walk(output, "model", new HashSet<object>(ReferenceEqualityComparer.Instance), ref visited);
        Assert.True(visited > 10, $"walked only {visited} values");
    }

    private static void Walk(object? value, string path, HashSet<object> seen, ref int visited)
    {
        if (value is null) return;
        var type = value.GetType();
        visited++;
        foreach (var forbidden in Forbidden)
            Assert.False(forbidden.IsAssignableFrom(type), $"{path} is a {type.FullName}, which is a {forbidden.Name}");
        if (type.IsPrimitive || type.IsEnum || value is string) return;
        Assert.True(type.Namespace?.StartsWith("LayerGen", StringComparison.Ordinal) == true,
            $"{path} is a {type.FullName}: models hold only LayerGen records, strings, bools and enums");
        if (!type.IsValueType && !seen.Add(value)) return;

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", seen, ref visited);
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (property.Name == "EqualityContract") continue;
            Walk(property.GetValue(value), $"{path}.{property.Name}", seen, ref visited);
        }
        foreach (var field in type.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance))
        {
            // the array inside EquatableArray is walked through its enumerator above
            if (field.FieldType.IsArray) continue;
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen, ref visited);
        }
    }
}

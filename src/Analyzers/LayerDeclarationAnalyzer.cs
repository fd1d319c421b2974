using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers;

/// <summary>
/// What the <c>[Layer]</c> generator needs from a layer's members: one <c>Call</c> returning tensors (LG0005),
/// a <c>Build</c> matching it (LG0006), constructor parameters it can write into a config (LG0004) and
/// read back from members (LG0003), one config constructor (LG0013). Mirrors <c>LayerParser</c>. The config
/// rules apply to <c>[KerasSerializable]</c> classes (losses, metrics, optimizers, ...) too, as they get their
/// config from the same generator code (<c>ConfigParser</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LayerDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The property carrying the expected <c>Build</c> parameter names (comma-separated) to the fixer.</summary>
    public const string BuildParametersKey = "BuildParameters";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [Descriptors.InvalidCall, Descriptors.BuildMismatch, Descriptors.ParameterNotKept, Descriptors.ParameterNotConfigurable, Descriptors.NoConfigConstructor];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is not { Layer: { } layer })
                return;
            start.RegisterSymbolAction(c => Analyze(c, layer), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol layerType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!TypeFacts.IsExtendableClass(type))
            return;
        if (TypeFacts.HasAttribute(type, KnownNames.Simple.KerasSerializableAttribute))
        {
            AnalyzeConfig(context, type, layerType: null);
            return;
        }
        if (!LayerGenSymbols.IsLayerClass(type))
            return;
        AnalyzeCall(context, type);
        AnalyzeConfig(context, type, layerType);
    }

    // ------------------------------------------------------------------ Call and Build (LG0005, LG0006)

    private static bool IsCandidate(ISymbol member) => member is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary };

    private static void AnalyzeCall(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var own = type.GetMembers("Call").Where(IsCandidate).Cast<IMethodSymbol>().ToList();
        IMethodSymbol? call = own.FirstOrDefault();
        if (call is null)
        {
            foreach (var t in TypeFacts.UserHierarchy(type).Skip(1))
            {
                call = t.GetMembers("Call").Where(IsCandidate).Cast<IMethodSymbol>().FirstOrDefault(m => m.DeclaredAccessibility != Accessibility.Private);
                if (call is not null)
                    break;
            }
            if (call is null)
            {
                if (!type.IsAbstract)
                    Report(context, LayerGenSymbols.IdentifierLocation(type, context.CancellationToken), type, $"has no Call method; add '{(type.IsSealed ? "private" : "protected")} Tensor Call(Tensor inputs)'");
                return;
            }
            return; // inherited: checked on the base
        }

        if (own.Count > 1)
        {
            foreach (var extra in own.Skip(1))
                Report(context, LayerGenSymbols.MemberLocation(extra), type, "has several Call overloads; the generated Invoke follows one Call, keep only one");
            return;
        }

        bool valid = true;
        if (call.IsGenericMethod)
        {
            Report(context, LayerGenSymbols.MemberLocation(call), type, "has a generic Call; Call cannot have type parameters");
            valid = false;
        }
        if (!CallRules.ReturnsTensors(call, out _))
        {
            var location = call.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is MethodDeclarationSyntax m
                ? m.ReturnType.GetLocation() : LayerGenSymbols.MemberLocation(call);
            Report(context, location, type,
                $"has a Call returning '{call.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'; Call must return Tensor or Tensor[]");
            valid = false;
        }
        var tensorInputs = TensorParameters(call);
        if (tensorInputs.Count > 1 && tensorInputs.Any(t => CallRules.IsTensorList(t.Type)))
        {
            Report(context, LayerGenSymbols.MemberLocation(call), type,
                "takes a list of tensors and other tensor arguments; a Call over a list of tensors takes no other tensor argument");
            valid = false;
        }
        foreach (var parameter in call.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                Report(context, LayerGenSymbols.MemberLocation(parameter), type,
                    $"has a Call parameter '{parameter.Name}' that is ref, out, in or params; Call's parameters are passed by value");
                valid = false;
            }
        }
        if (valid)
            AnalyzeBuild(context, type, call);
    }

    private static void Report(SymbolAnalysisContext context, Location location, INamedTypeSymbol type, string what)
        => context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidCall, location, type.Name, what));

    /// <summary>The tensor parameters of <paramref name="call"/>, as the generator sees them (not <c>mask</c>, not <c>Tensor?</c>).</summary>
    public static List<IParameterSymbol> TensorParameters(IMethodSymbol call)
        => [.. call.Parameters.Where(CallRules.IsTensorInput)];

    /// <summary>The parameter names a matching <c>Build</c> has: <c>inputShape</c> for one tensor, <c>{name}Shape</c> for several.</summary>
    public static string[] BuildParameterNames(IReadOnlyList<IParameterSymbol> tensors)
        => tensors.Count == 1 ? ["inputShape"] : [.. tensors.Select(t => t.Name.TrimStart('@') + "Shape")];

    private static void AnalyzeBuild(SymbolAnalysisContext context, INamedTypeSymbol type, IMethodSymbol call)
    {
        var builds = type.GetMembers("Build").Where(IsCandidate).Cast<IMethodSymbol>().ToList();
        if (builds.Count == 0)
            return;
        var tensors = TensorParameters(call);
        if (builds.Any(b => CallRules.IsBuildFor(b, tensors)))
            return;

        var names = BuildParameterNames(tensors);
        // keep the user's names where they already declared a Shape in that position
        foreach (var build in builds)
        {
            var proposed = (string[])names.Clone();
            for (int i = 0; i < proposed.Length && i < build.Parameters.Length; i++)
                if (TypeFacts.IsShape(build.Parameters[i].Type))
                    proposed[i] = build.Parameters[i].Name;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(BuildParametersKey, string.Join(",", proposed));
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.BuildMismatch, LayerGenSymbols.MemberLocation(build), properties,
                type.Name, string.Join(", ", proposed.Select((n, i) => (i < tensors.Count && CallRules.IsTensorList(tensors[i].Type) ? "Shape[] " : "Shape ") + n))));
        }
    }

    // ------------------------------------------------------------------ config (LG0003, LG0004, LG0013)

    private static void AnalyzeConfig(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol? layerType)
    {
        if (type.IsAbstract)
            return;
        if (CallRules.HasOwnFromConfig(type))
            return; // the user reads the config back themselves

        var constructor = ConfigTypes.ConfigConstructor(type, out int publicCount);
        if (constructor is null)
        {
            if (publicCount > 1)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NoConfigConstructor, LayerGenSymbols.IdentifierLocation(type, context.CancellationToken),
                    type.Name, publicCount));
            return;
        }

        var compilation = context.Compilation;
        foreach (var parameter in constructor.Parameters)
        {
            if (parameter.RefKind != RefKind.None || !ConfigTypes.IsConfigurable(parameter.Type))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ParameterNotConfigurable, LayerGenSymbols.MemberLocation(parameter),
                    parameter.Name, type.Name, parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), ConfigTypes.AllowedList));
                continue;
            }
            if (ConfigTypes.FindMember(type, parameter, compilation, layerType) is null)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ParameterNotKept, LayerGenSymbols.MemberLocation(parameter), parameter.Name, type.Name));
        }
    }
}

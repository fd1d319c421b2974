using Microsoft.CodeAnalysis;

namespace LayerGen.SourceGeneration;

/// <summary>
/// What a layer's <c>Call</c>, <c>Build</c> and <c>FromConfig</c> must look like, shared by the <c>[Layer]</c>
/// generator (which emits from these rules) and the analyzers and fixes (which report where they fail).
/// </summary>
internal static class CallRules
{
    /// <summary>Whether <paramref name="call"/> returns <c>Tensor</c> (<paramref name="returnsArray"/> false) or <c>Tensor[]</c> (true).</summary>
    public static bool ReturnsTensors(IMethodSymbol call, out bool returnsArray)
    {
        returnsArray = call.ReturnType is IArrayTypeSymbol { Rank: 1 } array && TypeFacts.IsTensor(array.ElementType);
        return returnsArray || TypeFacts.IsTensor(call.ReturnType);
    }

    /// <summary>Whether a parameter of <c>Call</c> is a tensor input: a non-nullable <c>Tensor</c> that is not <c>mask</c>.</summary>
    public static bool IsTensorInput(IParameterSymbol parameter)
        => !(parameter.Name == "mask" && TypeFacts.IsTensor(parameter.Type))
           && TypeFacts.IsTensor(parameter.Type)
           && parameter.Type.NullableAnnotation != NullableAnnotation.Annotated;

    /// <summary>Whether <paramref name="build"/> is a <c>Build</c> for <paramref name="tensorCount"/> tensor inputs: <c>void</c>, not generic, one <c>Shape</c> per input.</summary>
    public static bool IsBuildFor(IMethodSymbol build, int tensorCount)
        => build.ReturnsVoid && !build.IsGenericMethod
           && build.Parameters.Length == tensorCount
           && build.Parameters.All(p => p.RefKind == RefKind.None && TypeFacts.IsShape(p.Type));

    /// <summary>Whether <paramref name="type"/> declares its own static <c>FromConfig(config)</c> (it reads the config back itself).</summary>
    public static bool HasOwnFromConfig(INamedTypeSymbol type)
        => type.GetMembers("FromConfig").Any(m => m is IMethodSymbol { IsStatic: true, Parameters.Length: 1 });
}

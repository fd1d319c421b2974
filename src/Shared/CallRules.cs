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

    /// <summary>
    /// Whether a parameter of <c>Call</c> is a tensor input: a non-nullable <c>Tensor</c> that is not <c>mask</c>, or a
    /// non-nullable list of tensors (<see cref="IsTensorList"/>, Keras's <c>call(inputs)</c> over a list).
    /// </summary>
    public static bool IsTensorInput(IParameterSymbol parameter)
        => parameter.Type.NullableAnnotation != NullableAnnotation.Annotated
           && ((!(parameter.Name == "mask" && TypeFacts.IsTensor(parameter.Type)) && TypeFacts.IsTensor(parameter.Type))
               || IsTensorList(parameter.Type));

    /// <summary>Whether <paramref name="type"/> is <c>Tensor[]</c> or <c>IReadOnlyList&lt;Tensor&gt;</c> (a <c>Call</c> over a list of tensors).</summary>
    public static bool IsTensorList(ITypeSymbol type) => IsListOf(type, TypeFacts.IsTensor);

    /// <summary>Whether <paramref name="type"/> is <c>Shape[]</c> or <c>IReadOnlyList&lt;Shape&gt;</c> (the <c>Build</c> of a list call).</summary>
    public static bool IsShapeList(ITypeSymbol type) => IsListOf(type, TypeFacts.IsShape);

    private static bool IsListOf(ITypeSymbol type, Func<ITypeSymbol?, bool> element)
        => (type is IArrayTypeSymbol { Rank: 1 } array && element(array.ElementType))
           || (type is INamedTypeSymbol { IsGenericType: true, TypeArguments: [var argument] } named
               && named.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.IReadOnlyList<T>"
               && element(argument));

    /// <summary>Whether <paramref name="build"/> is a <c>Build</c> for <paramref name="tensorCount"/> single tensor inputs: <c>void</c>, not generic, one <c>Shape</c> per input.</summary>
    public static bool IsBuildFor(IMethodSymbol build, int tensorCount)
        => build.ReturnsVoid && !build.IsGenericMethod
           && build.Parameters.Length == tensorCount
           && build.Parameters.All(p => p.RefKind == RefKind.None && TypeFacts.IsShape(p.Type));

    /// <summary>
    /// Whether <paramref name="build"/> is a <c>Build</c> for the tensor inputs <paramref name="tensors"/>: <c>void</c>, not
    /// generic, one <c>Shape</c> per tensor input (<c>Shape[]</c> or <c>IReadOnlyList&lt;Shape&gt;</c> for a list of tensors).
    /// </summary>
    public static bool IsBuildFor(IMethodSymbol build, IReadOnlyList<IParameterSymbol> tensors)
    {
        if (!build.ReturnsVoid || build.IsGenericMethod || build.Parameters.Length != tensors.Count)
            return false;
        for (int i = 0; i < tensors.Count; i++)
        {
            var p = build.Parameters[i];
            bool list = IsTensorList(tensors[i].Type);
            if (p.RefKind != RefKind.None || !(list ? IsShapeList(p.Type) : TypeFacts.IsShape(p.Type)))
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="type"/> declares its own static <c>FromConfig(config)</c> (it reads the config back itself).</summary>
    public static bool HasOwnFromConfig(INamedTypeSymbol type)
        => type.GetMembers("FromConfig").Any(m => m is IMethodSymbol { IsStatic: true, Parameters.Length: 1 });
}

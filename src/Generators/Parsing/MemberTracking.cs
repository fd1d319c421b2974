using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Finds the members a generated <c>VisitMembers</c> reports (shared by the <c>[Module]</c> and
/// <c>[Layer]</c> parsers): instance fields and auto-properties holding variables, modules, or
/// collections of them, in declaration order, minus <c>[NotTracked]</c>, renamed by <c>[TrackAs]</c>.
/// </summary>
internal static class MemberTracking
{
    /// <summary>The tracked members declared in <paramref name="type"/> (not its bases), in declaration order.</summary>
    /// <param name="type">The class.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <param name="leaveOutAddedWeights">
    /// For a <c>[Layer]</c>: leave out the fields that only hold weights made by <c>AddWeight</c>, which the runtime's
    /// <c>Layer.VisitMembers</c> reports already (<see cref="WeightFields"/>).
    /// </param>
    public static EquatableArray<TrackedMember> Collect(INamedTypeSymbol type, CancellationToken cancellationToken, bool leaveOutAddedWeights = false)
    {
        var autoProperties = TrackableTypes.PropertiesWithBackingFields(type);
        var members = new List<TrackedMember>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TrackableTypes.StoredType(member, autoProperties, cancellationToken) is not { } memberType)
                continue;

            string? trackAs = null;
            bool notTracked = false, obsolete = false;
            foreach (var attribute in member.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
                    obsolete = true;
                else if (TypeFacts.IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.NotTrackedAttribute))
                    notTracked = true;
                else if (TypeFacts.IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.TrackAsAttribute)
                    && attribute.ConstructorArguments is [{ Value: string name }]
                    && name.Length > 0)
                    trackAs = name;
            }
            if (notTracked)
                continue;

            var tracked = TrackableTypes.Classify(memberType);
            if (tracked is null)
                continue;
            if (leaveOutAddedWeights && trackAs is null && tracked.Kind == TrackedKind.Variable
                && member is IFieldSymbol field && WeightFields.OnlyHoldsAddedWeights(field, type, cancellationToken))
                continue;

            members.Add(new TrackedMember(
                "this." + HierarchyInfo.EscapeIdentifier(member.Name),
                trackAs ?? Naming.MemberPathSegment(member.Name),
                tracked,
                obsolete));
        }
        return members.ToEquatableArray();
    }
}

using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// What differs between the kinds of class that get a generated config (<c>[Layer]</c> and
/// <c>[KerasSerializable]</c>): the rest of <see cref="ConfigParser"/> is the same for all of them.
/// </summary>
/// <param name="SuppliedBase">The base class the generator adds when the class names none (<c>Layer</c>), or null.</param>
/// <param name="WrittenByBase">Whether a parameter (its snake_case key and the member it is kept in) is written by <c>base.GetConfig()</c>.</param>
/// <param name="GeneratedHere">Whether a base class gets its own generated config in this compilation.</param>
internal sealed record ConfigRules(
    INamedTypeSymbol? SuppliedBase,
    Func<string, ISymbol, bool> WrittenByBase,
    Func<INamedTypeSymbol, bool> GeneratedHere);

/// <summary>
/// Turns a class's config constructor into a <see cref="ConfigInfo"/>: the parameters with the members they are
/// read back from, and which of <c>GetConfig</c>/<c>FromConfig</c>/the registration to write. Shared by the
/// <c>[Layer]</c> and <c>[KerasSerializable]</c> generators; null when a constructor argument cannot be kept.
/// </summary>
internal static class ConfigParser
{
    /// <summary>The config of <paramref name="type"/>, or null when none can be generated or registered.</summary>
    public static ConfigInfo? Parse(INamedTypeSymbol type, Compilation compilation, ConfigRules rules, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool userFromConfig = CallRules.HasOwnFromConfig(type);
        var parameters = Parameters(type, compilation, rules, out var notKept);
        if (parameters is null && notKept.Count > 0 && !userFromConfig)
        {
            // Only LG0003 (a warning): GetConfig throws, naming the arguments; no FromConfig, no registration.
            return new ConfigInfo(EquatableArray<ConfigParameter>.Empty, EmitGetConfig: type.GetMembers("GetConfig").IsEmpty,
                EmitFromConfig: false, FromConfigIsNew: false, EmitRegistration: false, notKept.ToEquatableArray());
        }
        if (parameters is null)
        {
            // A constructor argument cannot be kept: no config is generated (the analyzers say why), but a
            // FromConfig written by hand is still registered.
            return userFromConfig && CanRegister(type)
                ? new ConfigInfo(EquatableArray<ConfigParameter>.Empty, false, false, false, EmitRegistration: true)
                : null;
        }

        bool emitFromConfig = type.GetMembers("FromConfig").IsEmpty;
        return new ConfigInfo(
            parameters.Value,
            EmitGetConfig: type.GetMembers("GetConfig").IsEmpty,
            emitFromConfig,
            FromConfigIsNew: emitFromConfig && BaseHasFromConfig(type, compilation, rules, cancellationToken),
            EmitRegistration: (emitFromConfig || userFromConfig) && CanRegister(type));
    }

    /// <summary>
    /// The config constructor's parameters with the members they are read back from, or null when one cannot be
    /// written or kept; <paramref name="notKept"/> then gets the names of those no member keeps, when every
    /// parameter could otherwise be written (only LG0003 applies).
    /// </summary>
    private static EquatableArray<ConfigParameter>? Parameters(INamedTypeSymbol type, Compilation compilation, ConfigRules rules, out List<string> notKept)
    {
        notKept = [];
        if (type.IsAbstract)
            return null;
        var constructor = ConfigTypes.ConfigConstructor(type, out _);
        if (constructor is null)
            return null;

        var parameters = new List<ConfigParameter>(constructor.Parameters.Length);
        foreach (var parameter in constructor.Parameters)
        {
            if (parameter.RefKind != RefKind.None || ConfigTypes.Classify(parameter.Type) is not { } value)
            {
                notKept.Clear(); // LG0004, an error: no config at all
                return null;
            }
            if (ConfigTypes.FindMember(type, parameter, compilation, rules.SuppliedBase) is not { } member)
            {
                notKept.Add(parameter.Name);
                continue;
            }
            string key = ConfigTypes.Key(parameter);
            parameters.Add(new ConfigParameter(
                HierarchyInfo.EscapeIdentifier(parameter.Name),
                key,
                "this." + HierarchyInfo.EscapeIdentifier(member.Name),
                value.Kind,
                value.Container,
                value.IsNullable,
                value.ElementType,
                Literals.DefaultValue(parameter),
                WrittenByBase: rules.WrittenByBase(key, member)));
        }
        return notKept.Count > 0 ? null : parameters.ToEquatableArray();
    }

    /// <summary>Whether a base class has (or will get from this generator) a static <c>FromConfig</c> the generated one hides.</summary>
    private static bool BaseHasFromConfig(INamedTypeSymbol type, Compilation compilation, ConfigRules rules, CancellationToken cancellationToken)
    {
        foreach (var t in TypeFacts.WithGeneratedBases(type, rules.SuppliedBase).Skip(1))
        {
            foreach (var member in t.GetMembers("FromConfig"))
                if (member is IMethodSymbol { IsStatic: true, Parameters.Length: 1, DeclaredAccessibility: not Accessibility.Private })
                    return true;
            if (rules.GeneratedHere(t)
                && Parse(t.OriginalDefinition, compilation, rules, cancellationToken) is { EmitFromConfig: true })
                return true;
        }
        return false;
    }

    /// <summary>A module initializer can register the class: not generic, and reachable from the module (no private or protected nesting).</summary>
    private static bool CanRegister(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
                return false;
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return false;
        }
        return true;
    }
}

using System.Globalization;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generators.Parsing;

/// <summary>Writes parameter defaults back as C# expressions (invariant culture, exact round-trip).</summary>
internal static class Literals
{
    /// <summary>The default of <paramref name="parameter"/> as a C# expression, or null when it has none.</summary>
    public static string? DefaultValue(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
            return null;
        return Format(parameter.ExplicitDefaultValue, parameter.Type);
    }

    /// <summary><paramref name="value"/> (a constant of <paramref name="type"/>) as a C# expression.</summary>
    public static string Format(object? value, ITypeSymbol type)
    {
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;

        if (value is null)
        {
            if (type.IsValueType && !ReferenceEquals(underlying, type)) return "null";
            if (type.IsValueType) return "default";
            if (type is ITypeParameterSymbol) return "default!";
            return type.NullableAnnotation == NullableAnnotation.NotAnnotated ? "null!" : "null";
        }

        if (underlying.TypeKind == TypeKind.Enum && underlying is INamedTypeSymbol enumType)
        {
            string enumName = enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            foreach (var member in enumType.GetMembers())
                if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
                    return enumName + "." + HierarchyInfo.EscapeIdentifier(field.Name);
            return "(" + enumName + ")(" + Primitive(value) + ")";
        }
        return Primitive(value);
    }

    private static string Primitive(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => Naming.StringLiteral(s),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        float f when float.IsNaN(f) => "float.NaN",
        float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
        float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
        int i => i.ToString(CultureInfo.InvariantCulture),
        short s => "(short)" + s.ToString(CultureInfo.InvariantCulture),
        ushort us => "(ushort)" + us.ToString(CultureInfo.InvariantCulture),
        byte by => "(byte)" + by.ToString(CultureInfo.InvariantCulture),
        sbyte sb => "(sbyte)(" + sb.ToString(CultureInfo.InvariantCulture) + ")",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "default",
    };
}

using System.Reflection;
using System.Reflection.Emit;

namespace LayerGen.Tests;

/// <summary>
/// The runtime's folders are layers with one direction (docs/design/architecture.md): a type may use types of
/// its own layer and of the layers below, never of a layer above. Checked over the compiled LayerGen assembly:
/// base types, interfaces, fields, signatures, attributes and every type, method and field a method body names.
/// One test case per layer (one rule per arrow); the exceptions are listed below with their reasons.
/// </summary>
public class ArchitectureTests
{
    /// <summary>The layers, lowest first: their namespaces (kept in step with eng/restructure-namespaces.py's LAYERS).</summary>
    public static readonly string[][] Layers =
    [
        ["LayerGen", "LayerGen.Tensors", "LayerGen.SourceGeneration"],
        ["LayerGen.IO"],
        ["LayerGen.Datasets"],
        ["LayerGen.Operations", "LayerGen.Kernels"],
        ["LayerGen.Variables"],
        ["LayerGen.Autodiff"],
        ["LayerGen.Graphs", "LayerGen.Onnx"],
        ["LayerGen.Modules"],
        ["LayerGen.Saving"],
        ["LayerGen.Checkpoints"],
        ["LayerGen.Layers", "LayerGen.Serialization"],
        ["LayerGen.Models"],
        ["LayerGen.Training", "LayerGen.Losses", "LayerGen.Metrics", "LayerGen.Optimizers", "LayerGen.Callbacks"],
        ["LayerGen.Formats", "LayerGen.Formats.Keras"],
        ["LayerGen.Distributed"],
    ];

    /// <summary>
    /// Upward references allowed for now, as (from namespace, to namespace, reason). Each must still occur: one
    /// that no longer does fails <see cref="EveryExceptionIsStillNeeded"/>, so the list only shrinks.
    /// </summary>
    public static readonly (string From, string To, string Reason)[] Exceptions =
    [
        ("LayerGen.Tensors", "LayerGen.Operations",
            "Tensor's operators (+, -, *, /, [..]), its factories and ToString call Ops, and a symbolic tensor keeps the OpNode that made it: "
            + "the tensor type and its ops are one unit the way an ndarray and its ufuncs are."),
    ];

    public static TheoryData<int> LayerIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Layers.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(LayerIndices))]
    public void LayerUsesOnlyItselfAndLayersBelow(int layer)
    {
        var violations = References()
            .Where(r => LayerOf(r.From.Namespace) == layer && LayerOf(r.To.Namespace) > layer)
            .Where(r => !IsException(r.From.Namespace!, r.To.Namespace!))
            .Select(r => $"{r.From.FullName} ({string.Join(", ", Layers[layer])}) uses {r.To.FullName} ({string.Join(", ", Layers[LayerOf(r.To.Namespace)])}) in {r.Where}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(violations.Count == 0, "Upward references (see docs/design/architecture.md):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryRuntimeNamespaceIsInALayer()
    {
        var unassigned = RuntimeTypes().Select(t => t.Namespace).Where(ns => LayerOf(ns) < 0).Distinct().ToList();
        Assert.True(unassigned.Count == 0, "Namespaces in no layer (add them to ArchitectureTests.Layers and docs/design/architecture.md): " + string.Join(", ", unassigned));
    }

    [Fact]
    public void EveryExceptionIsStillNeeded()
    {
        var upward = References()
            .Where(r => LayerOf(r.To.Namespace) > LayerOf(r.From.Namespace))
            .Select(r => (r.From.Namespace, r.To.Namespace))
            .ToHashSet();
        var stale = Exceptions.Where(e => !upward.Contains((e.From, e.To))).Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.True(stale.Count == 0, "Exceptions that no longer occur (delete them): " + string.Join(", ", stale));
    }

    [Fact]
    public void TheCheckSeesReferencesInMethodBodies()
    {
        // GradientTape (Autodiff) names Op (Operations) only inside method bodies and signatures: the scan must see it.
        var refs = References().Where(r => r.From == typeof(GradientTape)).Select(r => r.To).ToHashSet();
        Assert.Contains(typeof(Op), refs);
        Assert.Contains(typeof(Ops), refs);
        // And Trainer (Training) calls Model's virtual steps from its loops.
        Assert.Contains(References(), r => r.From.Name == "Trainer" && r.To == typeof(Model) && r.Where.Contains("body", StringComparison.Ordinal));
    }

    // ------------------------------------------------------------------ the scan

    private static int LayerOf(string? ns)
    {
        for (int i = 0; i < Layers.Length; i++)
            if (Array.IndexOf(Layers[i], ns) >= 0) return i;
        return -1;
    }

    private static bool IsException(string from, string to) => Exceptions.Any(e => e.From == from && e.To == to);

    private static readonly Assembly Runtime = typeof(Tensor).Assembly;

    /// <summary>The runtime's own types in a LayerGen namespace (compiler-generated helpers count as their outer type).</summary>
    private static IEnumerable<Type> RuntimeTypes()
        => Runtime.GetTypes().Where(t => t.Namespace is { } ns && (ns == "LayerGen" || ns.StartsWith("LayerGen.", StringComparison.Ordinal)));

    private static readonly Lazy<List<(Type From, Type To, string Where)>> LazyReferences = new(Scan);

    private static List<(Type From, Type To, string Where)> References() => LazyReferences.Value;

    private static List<(Type From, Type To, string Where)> Scan()
    {
        var result = new List<(Type, Type, string)>();
        foreach (var type in RuntimeTypes())
        {
            void Add(Type? used, string where)
            {
                foreach (var t in Expand(used))
                    if (t.Assembly == Runtime && t.Namespace is not null && t.Namespace != type.Namespace && t.Namespace.StartsWith("LayerGen", StringComparison.Ordinal))
                        result.Add((Outermost(type), Outermost(t), where));
            }

            Add(type.BaseType, "base type");
            foreach (var i in type.GetInterfaces()) Add(i, "interface");
            foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType, "attribute");
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var f in type.GetFields(all)) Add(f.FieldType, $"field {f.Name}");
            foreach (var p in type.GetProperties(all)) Add(p.PropertyType, $"property {p.Name}");
            foreach (var e in type.GetEvents(all)) Add(e.EventHandlerType, $"event {e.Name}");
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi) Add(mi.ReturnType, $"{m.Name} signature");
                foreach (var p in m.GetParameters()) Add(p.ParameterType, $"{m.Name} signature");
                foreach (var a in m.GetCustomAttributesData()) Add(a.AttributeType, $"{m.Name} attribute");
                foreach (var (used, what) in BodyReferences(m)) Add(used, $"{m.Name} body ({what})");
            }
        }
        return result;
    }

    /// <summary>The type, its element type, its generic arguments (recursively).</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null) yield break;
        if (type.HasElementType) { foreach (var t in Expand(type.GetElementType())) yield return t; yield break; }
        if (type.IsGenericParameter) yield break;
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
            foreach (var a in type.GetGenericArguments())
                foreach (var t in Expand(a)) yield return t;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types, fields' and methods' declaring types that the IL of <paramref name="method"/> names.</summary>
    private static IEnumerable<(Type Type, string What)> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (InvalidOperationException) { yield break; }
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos] == 0xFE ? (short)(0xFE00 | il[pos + 1]) : il[pos];
            pos += il[pos] == 0xFE ? 2 : 1;
            var opcode = OpCodesByValue[value];
            int operand = opcode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pos),
                _ => 4,
            };
            if (opcode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                int token = BitConverter.ToInt32(il, pos);
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(token, typeArgs, methodArgs); }
                catch (ArgumentException) { }
                switch (member)
                {
                    case Type t: yield return (t, opcode.Name!); break;
                    case FieldInfo f: yield return (f.DeclaringType!, opcode.Name!); yield return (f.FieldType, opcode.Name!); break;
                    case MethodBase m:
                        yield return (m.DeclaringType!, opcode.Name!);
                        if (m.IsGenericMethod) foreach (var a in m.GetGenericArguments()) yield return (a, opcode.Name!);
                        break;
                }
            }
            pos += operand;
        }
    }
}

namespace LayerGen.Graphs;

/// <summary>
/// Writes the ONNX node(s) computing <paramref name="op"/> for <paramref name="node"/> with
/// <paramref name="emitter"/>; the last node must write <see cref="OnnxNodeContext.Output"/>.
/// </summary>
public delegate void OnnxTranslation(Op op, OnnxNodeEmitter emitter, OnnxNodeContext node);

/// <summary>
/// The ONNX translations of ops, keyed by op name: what <see cref="OnnxExport"/> looks up for each graph
/// node. Ops know nothing of ONNX; the built-in translations live next to the exporter, one file per op
/// family (each registers its ops when the module loads), and applications add theirs with
/// <see cref="Register"/>. An op may instead be registered as having no translation, with the reason,
/// so that the tests can tell a forgotten mapping from a deliberate gap.
/// </summary>
public static class OnnxOpMappings
{
    private static readonly Dictionary<string, OnnxTranslation> Translations = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> Untranslatable = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Registers (or replaces) the translation of ops named <paramref name="opName"/>.</summary>
    public static void Register(string opName, OnnxTranslation translation)
    {
        ArgumentException.ThrowIfNullOrEmpty(opName);
        ArgumentNullException.ThrowIfNull(translation);
        lock (Gate)
        {
            Translations[opName] = translation;
            Untranslatable.Remove(opName);
        }
    }

    /// <summary>Registers the translation of ops named <paramref name="opName"/>, whose class is <typeparamref name="TOp"/>.</summary>
    public static void Register<TOp>(string opName, Action<TOp, OnnxNodeEmitter, OnnxNodeContext> translation) where TOp : Op
    {
        ArgumentNullException.ThrowIfNull(translation);
        Register(opName, (op, emitter, node) => translation((TOp)op, emitter, node));
    }

    /// <summary>Records that ops named <paramref name="opName"/> have no ONNX translation, and why (exporting one throws <see cref="OnnxExportException"/>).</summary>
    public static void RegisterNoTranslation(string opName, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(opName);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (Gate)
        {
            Translations.Remove(opName);
            Untranslatable[opName] = reason;
        }
    }

    /// <summary>Whether ops named <paramref name="opName"/> have a translation.</summary>
    public static bool HasTranslation(string opName) { lock (Gate) return Translations.ContainsKey(opName); }

    /// <summary>The reason ops named <paramref name="opName"/> have no translation, when one was registered; otherwise null.</summary>
    public static string? NoTranslationReason(string opName)
    {
        lock (Gate) return Untranslatable.TryGetValue(opName, out var reason) ? reason : null;
    }

    /// <summary>
    /// Writes the ONNX node(s) for <paramref name="op"/>. Throws <see cref="OnnxExportException"/> naming the op
    /// (and the reason, when it was registered as having none) when it has no translation.
    /// </summary>
    public static void Emit(Op op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(node);
        OnnxTranslation? translation;
        string? reason;
        lock (Gate)
        {
            Translations.TryGetValue(op.Name, out translation);
            Untranslatable.TryGetValue(op.Name, out reason);
        }
        if (translation is null)
            throw new OnnxExportException($"ONNX export: op '{op}' (node '{node.Name}') has no ONNX translation yet" + (reason is null ? "." : $" ({reason})."));
        translation(op, emitter, node);
    }
}

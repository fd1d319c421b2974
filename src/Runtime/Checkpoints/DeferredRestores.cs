using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LayerGen.Checkpoints;

/// <summary>
/// The hook for restoring into modules whose variables do not exist yet (Keras layers before Build).
/// <see cref="Checkpoint.Restore"/> registers every module it finds with its path and the load status;
/// the values no variable took stay pending in the status. When a module creates variables later:
/// <list type="bullet">
/// <item><see cref="TryTakePending"/>: the variable being created (<c>AddWeight</c> in a layer) starts with the restored value;</item>
/// <item><see cref="Apply"/>: after building, every variable now under the module that has a pending value gets it.</item>
/// </list>
/// The Layer/Build machinery (the [Layer] issue) is meant to call these; until then user code can call
/// <see cref="Apply"/> or <see cref="CheckpointLoadStatus.ApplyPending"/>. Registrations are weak: they
/// never keep a module alive.
/// </summary>
public static class DeferredRestores
{
    private static readonly ConditionalWeakTable<Module, Registration> s_registrations = new();

    private sealed record Registration(string Path, CheckpointLoadStatus Status);

    internal static void Register(Module module, string path, CheckpointLoadStatus status)
        => s_registrations.AddOrUpdate(module, new Registration(path, status));

    /// <summary>True when a restore registered <paramref name="module"/> and still holds values for it or beneath it.</summary>
    public static bool HasPending(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!s_registrations.TryGetValue(module, out var reg)) return false;
        string prefix = reg.Path + "/";
        foreach (var key in reg.Status.PendingKeys) if (key.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// For a variable about to be created at <paramref name="variablePath"/> (relative to <paramref name="owner"/>,
    /// e.g. <c>kernel</c>) with the given spec: takes its restored value if a restore left one pending.
    /// A different shape or dtype throws <see cref="CheckpointMismatchException"/> naming the key.
    /// </summary>
    public static bool TryTakePending(Module owner, string variablePath, Shape shape, DType dtype, [NotNullWhen(true)] out Tensor? value)
    {
        ArgumentNullException.ThrowIfNull(owner);
        value = null;
        if (!s_registrations.TryGetValue(owner, out var reg)) return false;
        string key = CheckpointKeys.ForVariable(CheckpointKeys.Join(reg.Path, variablePath));
        if (!reg.Status.TryGetPendingEntry(key, out var entry)) return false;
        if (entry.Shape != shape || entry.DType != dtype)
            throw new CheckpointMismatchException(
                $"Deferred restore of '{key}': the checkpoint holds {entry.DType.Name()} {entry.Shape.ToListString()} but the variable is created as {dtype.Name()} {shape.ToListString()}.", [key]);
        return reg.Status.TryTakePending(key, out value);
    }

    /// <summary>
    /// Assigns pending restored values to every variable now beneath <paramref name="module"/> (validating all
    /// first), and registers its new submodules. Returns how many variables were assigned; 0 if no restore registered it.
    /// </summary>
    public static int Apply(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!s_registrations.TryGetValue(module, out var reg)) return 0;
        return reg.Status.ApplyTo(CheckpointTargets.CollectModule(module, reg.Path));
    }
}

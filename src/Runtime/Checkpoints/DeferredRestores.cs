using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LayerGen.Checkpoints;

/// <summary>
/// Restoring into modules whose variables do not exist yet: a <c>[Module]</c> that creates them on its first
/// call, a Keras layer before Build. <see cref="Checkpoint.Restore"/> registers every module it finds with its
/// path and the load status; the values no variable took stay pending in the status, and reach the variables
/// as they appear, as TensorFlow restores deferred variables when they are created:
/// <list type="bullet">
/// <item>automatically, before a variable's first use: while a restore holds pending values, the first op that
/// reads a variable not seen before walks the registered modules and assigns every pending value whose variable
/// now exists, so a first call never computes with the random initial values. A variable of the wrong shape or
/// dtype makes that op throw <see cref="CheckpointMismatchException"/> naming the key;</item>
/// <item><see cref="TryTakePending"/>: the variable being created (<c>AddWeight</c> in a layer) starts with the restored value;</item>
/// <item><see cref="Apply"/>: after building, every variable now under the module that has a pending value gets
/// it (layers call it at the end of Build; <see cref="CheckpointLoadStatus.ApplyPending"/> does it for a whole checkpoint).</item>
/// </list>
/// Registrations are weak: they never keep a module alive. Once nothing is pending, ops are not watched.
/// </summary>
public static class DeferredRestores
{
    private static readonly ConditionalWeakTable<Module, Registration> s_registrations = new();
    private static readonly ConditionalWeakTable<Variable, object> s_seen = new();
    private static readonly object s_seenMarker = new();
    private static readonly object s_gate = new();
    private static readonly OpInputsHook s_hook = OnOpInputs;

    private sealed record Registration(string Path, CheckpointLoadStatus Status);

    // Raised by every registration that leaves values pending, so an unhook racing with it re-hooks (no lock:
    // Register runs under the status's lock, and ApplyAllPending takes that lock inside its own).
    private static int s_generation;

    internal static void Register(Module module, string path, CheckpointLoadStatus status)
    {
        s_registrations.AddOrUpdate(module, new Registration(path, status));
        if (!status.HasPending) return;
        Interlocked.Increment(ref s_generation);
        OpRunner.BeforeRun = s_hook;
    }

    /// <summary>
    /// The <see cref="OpRunner.BeforeRun"/> hook: on the first use of variables it has not seen, assigns the
    /// pending values of every registered module that holds one of them; unhooks once nothing is pending.
    /// </summary>
    private static void OnOpInputs(ReadOnlySpan<Tensor> inputs)
    {
        List<Variable>? fresh = null;
        foreach (var t in inputs)
            if (t is Variable v && !s_seen.TryGetValue(v, out _)) { s_seen.AddOrUpdate(v, s_seenMarker); (fresh ??= []).Add(v); }
        if (fresh is not null) ApplyPendingOf(fresh);
    }

    /// <summary>
    /// Assigns pending values in the registered modules that hold one of <paramref name="fresh"/> (only those: a
    /// mismatch elsewhere is not this op's business). Throws <see cref="CheckpointMismatchException"/> for a
    /// variable of the wrong shape or dtype there.
    /// </summary>
    private static void ApplyPendingOf(List<Variable> fresh)
    {
        lock (s_gate)
        {
            int generation = Volatile.Read(ref s_generation);
            bool anyPending = false;
            foreach (var (module, reg) in s_registrations.ToList())
            {
                if (!HasPendingUnder(reg)) continue;
                var targets = CheckpointTargets.CollectModule(module, reg.Path);
                if (targets.Variables.Exists(t => fresh.Exists(f => ReferenceEquals(f, t.Variable)))) reg.Status.ApplyTo(targets);
                anyPending |= HasPendingUnder(reg);
            }
            if (anyPending) return;
            OpRunner.BeforeRun = null;
            if (Volatile.Read(ref s_generation) != generation) OpRunner.BeforeRun = s_hook;
        }
    }

    private static bool HasPendingUnder(Registration reg)
    {
        if (!reg.Status.HasPending) return false;
        string prefix = reg.Path + "/";
        foreach (var key in reg.Status.PendingKeys) if (key.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>True when a restore registered <paramref name="module"/> and still holds values for it or beneath it.</summary>
    public static bool HasPending(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return s_registrations.TryGetValue(module, out var reg) && HasPendingUnder(reg);
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

using System.Runtime.CompilerServices;

namespace LayerGen.Autodiff;

/// <summary>
/// Records ops for reverse-mode differentiation, like <c>tf.GradientTape</c>:
/// <code>
/// using var tape = new GradientTape();
/// var loss = Ops.Sum(Ops.Square(model.Call(x) - y));
/// var grads = tape.Gradient(loss, model.TrainableVariables);
/// </code>
/// A tape watches trainable variables on its own (unless <c>watchAccessedVariables</c> is false) and
/// other tensors after <see cref="Watch"/>. A source the target does not depend on gets a null
/// gradient. A non-persistent tape can compute gradients once; a persistent one any number of times.
/// Tapes nest: computing a gradient inside an outer tape records it there, for higher derivatives.
/// </summary>
public sealed class GradientTape : IDisposable
{
    [ThreadStatic] private static List<GradientTape>? t_active;

    private readonly HashSet<Tensor> _watched = new(ReferenceEqualityComparer.Instance);
    private readonly List<Entry> _entries = [];
    private readonly bool _watchAccessedVariables;
    private int _paused;
    private bool _used;
    private bool _disposed;

    private readonly record struct Entry(Op Op, Tensor[] Inputs, Tensor Output);

    /// <summary>Starts recording on the current thread until disposed.</summary>
    public GradientTape(bool persistent = false, bool watchAccessedVariables = true)
    {
        Persistent = persistent;
        _watchAccessedVariables = watchAccessedVariables;
        OpRunner.Observer ??= Record;
        (t_active ??= []).Add(this);
    }

    /// <summary>Whether <see cref="Gradient(Tensor, Tensor)"/> may be called more than once.</summary>
    public bool Persistent { get; }

    /// <summary>Makes the tape track <paramref name="tensor"/> (needed for constants; variables are watched on their own).</summary>
    public void Watch(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _watched.Add(tensor);
    }

    /// <summary>The tensors and variables the tape is watching.</summary>
    public IReadOnlyCollection<Tensor> Watched => _watched;

    /// <summary>Pauses recording while the returned scope is alive, like <c>tape.stop_recording()</c>.</summary>
    public RecordingPause StopRecording() => new(this);

    /// <summary>A scope during which a tape does not record.</summary>
    public readonly struct RecordingPause : IDisposable
    {
        private readonly GradientTape _tape;
        internal RecordingPause(GradientTape tape) { _tape = tape; tape._paused++; }
        /// <summary>Resumes recording.</summary>
        public void Dispose() => _tape._paused--;
    }

    internal static bool AnyActive => t_active is { Count: > 0 };

    /// <summary>The <see cref="OpRunner.Observer"/>: called after each op application.</summary>
    internal static void Record(Op op, ReadOnlySpan<Tensor> inputs, Tensor output)
    {
        var active = t_active;
        if (active is null || active.Count == 0) return;
        Tensor[]? inputsCopy = null;
        foreach (var tape in active)
        {
            if (tape._paused > 0 || tape._disposed) continue;
            bool connected = false;
            foreach (var input in inputs)
            {
                if (tape._watched.Contains(input)) { connected = true; continue; }
                if (tape._watchAccessedVariables && input is Variable { Trainable: true } v)
                {
                    tape._watched.Add(v);
                    connected = true;
                }
            }
            if (!connected) continue;
            inputsCopy ??= inputs.ToArray();
            tape._entries.Add(new Entry(op, inputsCopy, output));
            tape._watched.Add(output);
        }
    }

    /// <summary>d(target)/d(source), or null when target does not depend on source.</summary>
    public Tensor? Gradient(Tensor target, Tensor source) => Gradient(target, [source])[0];

    /// <summary>
    /// d(target)/d(source) for each source (null where target does not depend on it). For a
    /// non-scalar target the result is the gradient of the sum of its elements, unless
    /// <paramref name="outputGradient"/> gives the upstream gradient.
    /// </summary>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources, Tensor? outputGradient = null)
        => Gradient(target, sources, outputGradient, gradientReady: null);

    /// <summary>
    /// <see cref="Gradient(Tensor, IReadOnlyList{Tensor}, Tensor?)"/>, calling <paramref name="gradientReady"/> with a
    /// source's index and its gradient as soon as that gradient is final (no op still to be walked reads the source),
    /// during the backward pass: what data-parallel training uses to start the all-reduce of the last layers' gradients
    /// while the first layers' are still being computed (PyTorch DDP's gradient hooks). Sources without a gradient
    /// are not reported. Called on this thread, in the backward pass's order.
    /// </summary>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources, Tensor? outputGradient, Action<int, Tensor>? gradientReady)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        if (_used && !Persistent)
            throw new InvalidOperationException("GradientTape.Gradient can only be called once on a non-persistent tape. Create the tape with persistent: true to compute several gradients.");
        _used = true;
        if (!target.DType.IsFloating())
            throw new DTypeMismatchException("GradientTape.Gradient", $"the target must be float32 or float64, got {target.DType.Name()} with shape {target.Shape}.");

        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        if (outputGradient is not null && outputGradient.Shape != target.Shape)
            throw new ShapeMismatchException("GradientTape.Gradient", $"output gradient has shape {outputGradient.Shape} but the target has shape {target.Shape}.", outputGradient.Shape, target.Shape);
        grads[target] = outputGradient ?? Tensor.OnesLike(target);

        // Only entries on a path from a source matter; walking every entry backwards is correct too.
        // Which inputs of an entry need a gradient: watched floating tensors (not the data, not constants).
        var neededBuffer = new bool[4];
        // For the hook: the sources each entry is the first (earliest recorded) reader of; once the backward walk has
        // passed that entry, nothing adds to their gradients any more.
        Dictionary<int, List<int>>? finalAfter = null;
        bool[]? reported = null;
        if (gradientReady is not null)
        {
            finalAfter = [];
            reported = new bool[sources.Count];
            var sourceIndex = new Dictionary<Tensor, List<int>>(ReferenceEqualityComparer.Instance);
            for (int k = 0; k < sources.Count; k++)
            {
                if (!sourceIndex.TryGetValue(sources[k], out var list)) sourceIndex[sources[k]] = list = [];
                list.Add(k);
            }
            for (int i = 0; i < _entries.Count && sourceIndex.Count > 0; i++)
                foreach (var input in _entries[i].Inputs)
                    if (sourceIndex.Remove(input, out var first))
                    {
                        if (!finalAfter.TryGetValue(i, out var at)) finalAfter[i] = at = [];
                        at.AddRange(first);
                    }
        }
        using (StopRecording())
        {
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                ProcessEntry(i);
                if (finalAfter is not null && finalAfter.Remove(i, out var final))
                {
                    // This entry was the first reader of these sources: their gradients are final now.
                    foreach (int k in final)
                        if (!ReferenceEquals(sources[k], target) && grads.TryGetValue(sources[k], out var ready))
                        {
                            reported![k] = true;
                            gradientReady!(k, ready);
                        }
                }
            }
        }

        void ProcessEntry(int i)
        {
            {
                var e = _entries[i];
                if (!grads.TryGetValue(e.Output, out var g)) return;
                if (neededBuffer.Length < e.Inputs.Length) neededBuffer = new bool[e.Inputs.Length];
                var needed = neededBuffer.AsSpan(0, e.Inputs.Length);
                for (int k = 0; k < e.Inputs.Length; k++)
                    needed[k] = e.Inputs[k].DType.IsFloating() && _watched.Contains(e.Inputs[k]);
                var inputGrads = e.Op.Gradient(g, e.Inputs, e.Output, needed);
                for (int k = 0; k < e.Inputs.Length; k++)
                {
                    var ig = inputGrads[k];
                    var input = e.Inputs[k];
                    // Tensors the tape does not watch (unwatched constants) get no gradient, as in TensorFlow.
                    if (ig is null || !input.DType.IsFloating() || !_watched.Contains(input)) continue;
                    grads[input] = grads.TryGetValue(input, out var prev) ? Ops.Add(prev, ig) : ig;
                }
            }
        }

        var result = new Tensor?[sources.Count];
        for (int i = 0; i < sources.Count; i++)
            result[i] = grads.TryGetValue(sources[i], out var g) && !ReferenceEquals(sources[i], target) ? g
                : ReferenceEquals(sources[i], target) ? grads[target] : null;
        if (reported is not null)
            for (int k = 0; k < result.Length; k++)
                if (!reported[k] && result[k] is { } late) gradientReady!(k, late); // the target itself, or read by no op
        if (!Persistent) _entries.Clear();
        return result;
    }

    /// <summary>Stops recording.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        t_active?.Remove(this);
    }
}

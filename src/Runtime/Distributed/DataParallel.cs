using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LayerGen.Callbacks;
using LayerGen.Optimizers;

namespace LayerGen.Distributed;

/// <summary>
/// Synchronous data parallelism over MPI (Keras 3's <c>keras.distribution.DataParallel</c>, tf.distribute's
/// <c>MultiWorkerMirroredStrategy</c>, PyTorch's <c>DistributedDataParallel</c>): every rank holds the whole model,
/// trains on its own rows of each global batch, and the gradients are averaged with <c>MPI_Allreduce</c> before
/// every update, so all ranks keep identical weights.
/// <code>
/// using var strategy = DataParallel.FromMpi();          // run with: mpirun -np 4 dotnet MyApp.dll
/// model.Compile(optimizer: "adam", loss: "mse", distribution: strategy);
/// model.Fit(x, y, batchSize: 256, epochs: 10);            // 256 = the global batch: 64 rows per rank
/// </code>
/// In a custom loop: <see cref="Broadcast(Module, Optimizer?)"/> once, then <see cref="Shard(DataBatch)"/> each
/// global batch and <see cref="AllReduceGradients"/> before <c>optimizer.Apply</c>. See docs/distributed.md.
/// </summary>
public sealed class DataParallel : ITrainingDistribution, IReplicaReducer, IDisposable
{
    /// <summary>The default size of a gradient bucket (25 MB, as PyTorch DDP's <c>bucket_cap_mb</c>).</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;

    private readonly MpiCommunicator _comm;
    private double? _pendingWeight;
    private double _share;
    private double _rows; // rows in this rank's running logs since the metrics were reset (a replicated batch's whole)
    private bool _replicated; // the last batch was the same on every rank (fewer rows than ranks)
    private Dictionary<string, double>? _lastLogs; // this rank's running logs after the previous batch, and their rows
    private double _lastRows;
    private readonly Dictionary<string, double> _replicatedSums = new(StringComparer.Ordinal); // replicated batches' share of the running sums
    private double _replicatedRows;
    private double[]? _lastStates; // this rank's summable metric states after the previous batch (ReduceLogs' order)
    private double[]? _replicatedStates; // replicated batches' share of those states
    private GradientBuckets? _layout;
    private GradientBuckets? _overlapLayout;
    private IReadOnlyList<Variable>? _overlapVariables;
    private CommunicationThread? _thread;

    private DataParallel(MpiCommunicator comm, long bucketBytes, bool overlapBackward)
    {
        _comm = comm;
        BucketBytes = bucketBytes;
        OverlapsBackward = overlapBackward && comm.Size > 1;
        _share = 1.0 / comm.Size;
        ReplicaContext.Current = this; // BatchNormalization(synchronized: true) sums its statistics over the ranks
    }

    /// <summary>
    /// The strategy over the processes <c>mpirun</c> started (<c>MPI_COMM_WORLD</c>); initialises MPI. Run without
    /// <c>mpirun</c>, it is a job of one rank. Throws <see cref="MpiNotAvailableException"/>, naming the packages
    /// to install, when Open MPI is missing.
    /// </summary>
    /// <param name="bucketBytes">Gradients are fused into buffers of about this many bytes, one <c>MPI_Allreduce</c> each.</param>
    /// <param name="overlapBackward">
    /// Whether <c>Fit</c>'s steps start a bucket's all-reduce, on a communication thread, as soon as its gradients are
    /// final, while the backward pass goes on (PyTorch DDP's overlap); false: all buckets after the backward pass. The
    /// results are the same bits either way.
    /// </param>
    public static DataParallel FromMpi(long bucketBytes = DefaultBucketBytes, bool overlapBackward = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        return new DataParallel(MpiCommunicator.World, bucketBytes, overlapBackward);
    }

    /// <summary>Whether training steps overlap the gradient all-reduce with the backward pass (see <see cref="FromMpi"/>).</summary>
    public bool OverlapsBackward { get; }

    /// <summary>The communicator the strategy uses (for collectives of your own).</summary>
    public MpiCommunicator Communicator => _comm;

    /// <summary>The gradient bucket size in bytes.</summary>
    public long BucketBytes { get; }

    /// <inheritdoc/>
    public int Rank => _comm.Rank;

    /// <inheritdoc/>
    public int WorldSize => _comm.Size;

    /// <summary>The number of replicas training together (tf.distribute's name for <see cref="WorldSize"/>).</summary>
    public int NumReplicasInSync => _comm.Size;

    /// <inheritdoc/>
    public bool IsChief => _comm.Rank == 0;

    // ------------------------------------------------------------------ broadcast

    /// <summary>
    /// Copies every variable of <paramref name="module"/> (and of <paramref name="optimizer"/>, if built: its
    /// iterations, learning rate and slots) from rank 0 to all ranks. First checks that the ranks agree on the
    /// variables' paths, dtypes and shapes; if not, every rank throws <see cref="DistributedMismatchException"/>
    /// naming the first variable that differs, the ranks and both shapes.
    /// </summary>
    public void Broadcast(Module module, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var named = new List<KeyValuePair<string, Variable>>(module.NamedVariables);
        if (optimizer is { IsBuilt: true })
            foreach (var (path, v) in optimizer.GetCheckpointVariables()) named.Add(new("optimizer/" + path, v));
        BroadcastVariables(named);
    }

    /// <inheritdoc/>
    void ITrainingDistribution.Synchronize(Model model, Optimizer? optimizer) => Broadcast(model, optimizer);

    /// <summary>Copies the values of <paramref name="variables"/> from rank 0 to all ranks, after checking that the ranks agree on them.</summary>
    public void BroadcastVariables(IReadOnlyList<KeyValuePair<string, Variable>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        CheckAgreement(variables);
        foreach (var (_, v) in variables)
        {
            _comm.Broadcast(v.Storage.AsSpanOfBytes());
            v.MarkChanged();
        }
    }

    private static string Describe(KeyValuePair<string, Variable> v)
        => string.Create(CultureInfo.InvariantCulture, $"{v.Key}|{v.Value.DType}|{string.Join(",", v.Value.Shape.ToArray())}");

    private const int MismatchSlot = 512; // bytes of one rank's description of its first differing variable

    private void CheckAgreement(IReadOnlyList<KeyValuePair<string, Variable>> variables)
    {
        // Rank 0's description of its variables goes to every rank (length first, then the bytes).
        var mine = variables.Select(Describe).ToArray();
        byte[] text = IsChief ? Encoding.UTF8.GetBytes(string.Join("\n", mine)) : [];
        long[] length = [text.Length];
        _comm.Broadcast(length);
        if (!IsChief) text = new byte[length[0]];
        _comm.Broadcast(text);
        var chief = text.Length == 0 ? [] : Encoding.UTF8.GetString(text).Split('\n');

        // Each rank finds its first difference; an all-reduce of per-rank slots gathers them on every rank.
        int first = -1;
        for (int i = 0; i < Math.Max(chief.Length, mine.Length) && first < 0; i++)
            if (i >= chief.Length || i >= mine.Length || chief[i] != mine[i]) first = i;
        long[] slots = new long[WorldSize * (2 + MismatchSlot)];
        int at = Rank * (2 + MismatchSlot);
        slots[at] = first;
        slots[at + 1] = mine.Length;
        if (first >= 0)
        {
            var own = Encoding.UTF8.GetBytes(first < mine.Length ? mine[first] : "(none)");
            for (int k = 0; k < Math.Min(own.Length, MismatchSlot); k++) slots[at + 2 + k] = own[k];
        }
        _comm.AllReduceSum(slots);
        for (int r = 1; r < WorldSize; r++)
        {
            int o = r * (2 + MismatchSlot);
            int index = (int)slots[o];
            if (index < 0) continue;
            var bytes = new byte[MismatchSlot];
            int n = 0;
            while (n < MismatchSlot && slots[o + 2 + n] != 0) { bytes[n] = (byte)slots[o + 2 + n]; n++; }
            string theirs = Encoding.UTF8.GetString(bytes, 0, n);
            string ours = index < chief.Length ? chief[index] : "(none)";
            throw new DistributedMismatchException(
                $"The ranks disagree on the model at the first broadcast of its variables (variable #{index}): "
                + $"rank 0 has {Pretty(ours)} but rank {r} has {Pretty(theirs)}"
                + (slots[o + 1] != chief.Length ? $"; rank 0 has {chief.Length} variables, rank {r} has {slots[o + 1]}" : "")
                + ". Build the same model on every rank.");
        }
    }

    private static string Pretty(string description)
    {
        var parts = description.Split('|');
        if (parts.Length != 3) return description;
        return $"variable \"{parts[0]}\" of shape ({parts[2].Replace(",", ", ", StringComparison.Ordinal)}{(parts[2].Contains(',', StringComparison.Ordinal) || parts[2].Length == 0 ? "" : ",")}) {parts[1].ToLowerInvariant()}";
    }

    /// <inheritdoc/>
    public long AgreeOnSeed(long seed)
    {
        long[] value = [seed];
        _comm.Broadcast(value);
        return value[0];
    }

    // ------------------------------------------------------------------ data

    /// <summary>
    /// This rank's rows of <paramref name="globalBatch"/>: rank r of N takes the r-th of N contiguous parts
    /// (sizes differ by at most one row), so the ranks see disjoint parts covering the batch. A batch with fewer rows
    /// than ranks goes whole to every rank, each weighted 1/N: the average of N equal gradients is the batch's (and a
    /// synchronized BatchNormalization's global statistics are the batch's too). The next <see cref="AllReduceGradients"/>
    /// weights this rank's gradients by its share of the batch; the running logs are weighted by the rows each rank had.
    /// An element with several inputs, targets or sample weights (<see cref="DataBatch.HasParts"/>) has the same rows of each taken.
    /// </summary>
    public DataBatch? Shard(DataBatch globalBatch)
    {
        int n = RowsIn(globalBatch);
        int size = WorldSize;
        _replicated = false;
        if (size == 1) { _pendingWeight = null; _rows += n; return globalBatch; }
        if (n < size)
        {
            _pendingWeight = _share = 1.0 / size;
            _rows += n;
            _replicated = true;
            return globalBatch;
        }
        var (start, end) = RowsOf(n, Rank);
        _pendingWeight = _share = (end - start) / (double)n;
        _rows += end - start;
        if (!globalBatch.HasParts)
            return new DataBatch(globalBatch.X[start..end], globalBatch.Y?[start..end], globalBatch.SampleWeight?[start..end]);
        // Several inputs, targets or sample weights: the same rows of each.
        Tensor[] inputs = [.. globalBatch.Inputs!.Select(t => t[start..end])];
        Tensor[]? targets = globalBatch.Targets is { } ts ? [.. ts.Select(t => t[start..end])] : null;
        Tensor?[]? weights = globalBatch.SampleWeights is { } ws ? [.. ws.Select(t => t?[start..end])] : null;
        return DataBatch.FromParts(inputs, targets, weights) with
        {
            InputNames = globalBatch.InputNames, TargetNames = globalBatch.TargetNames, SampleWeightNames = globalBatch.SampleWeightNames,
        };
    }

    private static int RowsIn(DataBatch batch) => batch.X.Rank == 0 ? 1 : batch.X.Shape[0];

    /// <summary>The rows [start, end) of a batch of <paramref name="rows"/> that <paramref name="rank"/> takes (the rank-th of N contiguous parts).</summary>
    private (int Start, int End) RowsOf(int rows, int rank) => Dataset.RowsOf(rows, rank, WorldSize);

    /// <summary>
    /// For a batch that is already this rank's (the dataset was split at its source, or not split): one
    /// <c>MPI_Allreduce</c> of the ranks' row counts and of how many have run out of data. The next gradient all-reduce
    /// weights this rank by its rows over all ranks' rows. Returns false when every rank's data has ended; throws
    /// <see cref="InvalidOperationException"/> on every rank when only some have (their epochs have different numbers
    /// of batches: a job would otherwise wait forever).
    /// </summary>
    public bool AgreeOnBatch(DataBatch? localBatch)
    {
        int rows = localBatch is { } b ? RowsIn(b) : 0;
        if (WorldSize == 1)
        {
            _pendingWeight = null;
            _rows += rows;
            return localBatch is not null;
        }
        long[] counts = [localBatch is null ? 1 : 0, rows, localBatch is { Replicated: true } ? 1 : 0];
        if (_thread is null) _comm.AllReduceSum(counts);
        else _thread.Run(() => _comm.AllReduceSum(counts)); // behind anything queued on the communication thread
        if (counts[0] == WorldSize) return false;
        if (counts[0] > 0)
            throw new InvalidOperationException(
                $"The ranks' data ended at different steps: {counts[0]} of {WorldSize} ranks have no batch left while the others have one "
                + $"(this rank {(localBatch is null ? "has none" : "has one")}). Without a split by the strategy (AutoShardPolicy.File or Off, or "
                + "a dataset sharded by hand) every rank needs the same number of batches per epoch: give the ranks equal data, batch with "
                + "dropRemainder: true, or Repeat() the dataset and give stepsPerEpoch.");
        _pendingWeight = _share = counts[1] == 0 ? 1.0 / WorldSize : rows / (double)counts[1];
        _rows += rows;
        _replicated = counts[2] == WorldSize;
        return true;
    }

    // ------------------------------------------------------------------ prediction

    /// <summary>
    /// The outputs of <paramref name="predictStep"/> for a global batch <paramref name="x"/>, computed data-parallel:
    /// each rank runs it on its part of the rows (as <see cref="Shard(DataBatch)"/> splits them) and the parts are
    /// gathered in row order on every rank (one <c>MPI_Bcast</c> per rank, bit-exact), so every rank returns what one
    /// process would, as tf.distribute's <c>model.predict</c> does. A batch with fewer rows than ranks is predicted
    /// whole on every rank. <c>model.Predict</c> under <c>Compile(strategy, ...)</c> calls this for every batch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The step's output does not have one row per input row.</exception>
    public Tensor Predict(Tensor x, Func<Tensor, Tensor> predictStep)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(predictStep);
        int n = x.Rank == 0 ? 1 : x.Shape[0];
        if (WorldSize == 1 || x.Rank == 0 || n < WorldSize) return predictStep(x);
        var (start, end) = RowsOf(n, Rank);
        return GatherRows(predictStep(x[start..end]), n, start, end);
    }

    /// <summary>
    /// <see cref="Predict(Tensor, Func{Tensor, Tensor})"/> for a model with several inputs or outputs: each rank runs
    /// <paramref name="predictStep"/> on its rows of every input, and each output's parts are gathered in row order on every rank.
    /// </summary>
    public Tensor[] PredictParts(Tensor[] inputs, Func<Tensor[], Tensor[]> predictStep)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(predictStep);
        if (inputs.Length == 0) throw new ArgumentException("PredictParts: give at least one input.", nameof(inputs));
        int n = inputs[0].Rank == 0 ? 1 : inputs[0].Shape[0];
        if (WorldSize == 1 || inputs[0].Rank == 0 || n < WorldSize) return predictStep(inputs);
        var (start, end) = RowsOf(n, Rank);
        var outputs = predictStep([.. inputs.Select(t => t[start..end])]);
        return [.. outputs.Select(o => GatherRows(o, n, start, end))];
    }

    /// <summary>This rank's output rows [start, end) of a batch of <paramref name="n"/> rows, gathered with the other ranks' in row order (one <c>MPI_Bcast</c> per rank).</summary>
    private Tensor GatherRows(Tensor local, int n, int start, int end)
    {
        if (local.Rank == 0 || local.Shape[0] != end - start)
            throw new InvalidOperationException($"Distributed Predict needs one output row per input row, but {end - start} rows gave an output of shape {local.Shape}.");
        var bytes = local.AsBytes();
        int rowBytes = bytes.Length / (end - start);
        var gathered = new byte[(long)n * rowBytes];
        bytes.CopyTo(gathered.AsSpan(start * rowBytes));
        for (int r = 0; r < WorldSize; r++)
        {
            var (s, e) = RowsOf(n, r);
            _comm.Broadcast(gathered.AsSpan(s * rowBytes, (e - s) * rowBytes), root: r);
        }
        var dims = local.Shape.ToArray();
        dims[0] = n;
        var shape = new Shape(dims);
        return local.DType switch
        {
            DType.Float32 => Tensor.From<float>(MemoryMarshal.Cast<byte, float>(gathered), shape),
            DType.Float64 => Tensor.From<double>(MemoryMarshal.Cast<byte, double>(gathered), shape),
            DType.Int32 => Tensor.From<int>(MemoryMarshal.Cast<byte, int>(gathered), shape),
            DType.Int64 => Tensor.From<long>(MemoryMarshal.Cast<byte, long>(gathered), shape),
            DType.Bool => Tensor.From<bool>(MemoryMarshal.Cast<byte, bool>(gathered), shape),
            _ => throw new InvalidOperationException($"Distributed Predict cannot gather outputs of dtype {local.DType}."),
        };
    }

    // ------------------------------------------------------------------ gradients

    /// <summary>
    /// Averages gradients over all ranks (for a custom training loop): each rank's gradients count 1/N, or, right
    /// after <see cref="Shard(DataBatch)"/>, its share of the global batch. Float32 and float64 gradients are fused,
    /// in variable order, into buckets of about <see cref="BucketBytes"/>, each summed by one <c>MPI_Allreduce</c>;
    /// null gradients stay null (they must be null on every rank).
    /// </summary>
    public IReadOnlyList<Tensor?> AllReduceGradients(IReadOnlyList<Tensor?> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        double weight = _pendingWeight ?? 1.0 / WorldSize;
        _pendingWeight = null;
        var result = new Tensor?[gradients.Count];
        if (WorldSize == 1)
        {
            for (int i = 0; i < result.Length; i++) result[i] = gradients[i];
            return result;
        }
        var sizes = new int[gradients.Count];
        var dtypes = new DType[gradients.Count];
        for (int i = 0; i < gradients.Count; i++)
        {
            if (gradients[i] is not { } g) continue;
            if (g.DType is not (DType.Float32 or DType.Float64))
                throw new ArgumentException($"Gradient #{i} has dtype {g.DType}: only float32 and float64 gradients can be averaged across ranks.", nameof(gradients));
            sizes[i] = g.Shape.Size;
            dtypes[i] = g.DType;
        }
        if (_layout is null || !_layout.Fits(sizes, dtypes)) _layout = GradientBuckets.Plan(sizes, dtypes, BucketBytes);
        foreach (var bucket in _layout.Buckets)
        {
            foreach (int i in bucket.Members) _layout.CopyIn(i, gradients[i]!, weight);
            if (_thread is not null) _thread.Run(() => GradientBuckets.AllReduce(_comm, bucket)); // after what is queued there
            else GradientBuckets.AllReduce(_comm, bucket);
        }
        for (int i = 0; i < result.Length; i++)
            if (gradients[i] is { } g) result[i] = _layout.Result(i, g.Shape);
        return result;
    }

    /// <summary>
    /// The gradients of <paramref name="target"/> with respect to <paramref name="variables"/> averaged over all ranks, for a
    /// custom <see cref="GradientTape"/> loop (Horovod's <c>DistributedGradientTape</c>; what <c>Fit</c>'s steps do):
    /// with <see cref="OverlapsBackward"/>, each gradient is scaled into its bucket as soon as the tape reports it final
    /// (<see cref="GradientTape.Gradient(Tensor, IReadOnlyList{Tensor}, Tensor?, Action{int, Tensor}?)"/>'s
    /// <c>gradientReady</c>) and a full bucket's <c>MPI_Allreduce</c> runs on the communication thread while the backward
    /// pass goes on; otherwise <see cref="AllReduceGradients"/> after the pass. Same buckets, weights and calls: the same
    /// bits either way. Weighted as <see cref="AllReduceGradients"/> (by the share of the last <see cref="Shard(DataBatch)"/>).
    /// <code>
    /// using (var tape = new GradientTape())
    ///     grads = strategy.Gradient(tape, lossFn(model.Invoke(batch.X, training: true), batch.Y!), model.TrainableVariables);
    /// optimizer.Apply(grads, model.TrainableVariables);
    /// </code>
    /// </summary>
    public Tensor?[] Gradient(GradientTape tape, Tensor target, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(variables);
        Tensor[] sources = [.. variables];
        if (((ITrainingDistribution)this).BeginGradientReduction(variables) is not { } overlap)
            return [.. AllReduceGradients(tape.Gradient(target, sources))];
        return [.. overlap.Finish(tape.Gradient(target, sources, null, overlap.GradientReady))];
    }

    /// <inheritdoc/>
    IReadOnlyList<Tensor?> ITrainingDistribution.ReduceGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
        => AllReduceGradients(gradients);

    /// <inheritdoc/>
    IGradientReduction? ITrainingDistribution.BeginGradientReduction(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (!OverlapsBackward) return null;
        double weight = _pendingWeight ?? 1.0 / WorldSize;
        _pendingWeight = null;
        if (!ReferenceEquals(variables, _overlapVariables) || _overlapLayout is null)
        {
            var sizes = new int[variables.Count];
            var dtypes = new DType[variables.Count];
            for (int i = 0; i < sizes.Length; i++) { sizes[i] = variables[i].Shape.Size; dtypes[i] = variables[i].DType; }
            _overlapLayout = GradientBuckets.Plan(sizes, dtypes, BucketBytes);
            _overlapVariables = variables;
        }
        _thread ??= new CommunicationThread();
        return new OverlappedGradientReduction(_comm, _thread, _overlapLayout, weight, variables).Start();
    }

    // ------------------------------------------------------------------ replica context (synchronized BatchNormalization)

    /// <inheritdoc/>
    int IReplicaReducer.ReplicaCount => WorldSize;

    /// <inheritdoc/>
    double IReplicaReducer.LocalShare => _share;

    /// <inheritdoc/>
    void IReplicaReducer.SumInPlace(Span<float> values)
    {
        if (_thread is null) { _comm.AllReduceSum(values); return; }
        // Gradient buckets may be under way on the communication thread: queue behind them, in the same order on every rank.
        var copy = values.ToArray();
        _thread.Run(() => _comm.AllReduceSum(copy));
        copy.CopyTo(values);
    }

    /// <inheritdoc/>
    void IReplicaReducer.SumInPlace(Span<double> values)
    {
        if (_thread is null) { _comm.AllReduceSum(values); return; }
        var copy = values.ToArray();
        _thread.Run(() => _comm.AllReduceSum(copy));
        copy.CopyTo(values);
    }

    // ------------------------------------------------------------------ logs, callbacks, barrier

    /// <summary>
    /// The logs averaged over all ranks (keys in ordinal order, one <c>MPI_Allreduce</c>), each rank weighted by the rows
    /// it has had since the metrics were last reset (the running metrics are means over those rows), so the result is
    /// the mean over all rows also when a shorter last batch split unevenly; a batch every rank had whole (fewer rows
    /// than ranks) counts once: each rank sends 1/N of its part of the running sums. The plain average without
    /// <see cref="Shard(DataBatch)"/>.
    /// </summary>
    public Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs) => ReduceLogs(logs, []);

    /// <summary>
    /// <see cref="ReduceLogs(Dictionary{string, double})"/>, except for the values of <paramref name="summedMetrics"/> (ratio
    /// metrics: precision, recall, AUC): their states (true/false positives/negatives) are summed over the ranks, in the
    /// same <c>MPI_Allreduce</c> as the averaged values, and each such value is the metric's result on the summed state.
    /// The sum goes into a copy: every rank's own running state, which the next batches add to, is left as it was. A
    /// batch every rank had whole counts once here too (each rank sends 1/N of that batch's share of its state).
    /// </summary>
    public Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs, IReadOnlyList<KeyValuePair<string, LayerGen.Metrics.Metric>> summedMetrics)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(summedMetrics);
        if (WorldSize == 1) return logs;
        var summed = new List<KeyValuePair<string, LayerGen.Metrics.Metric>>(summedMetrics.Count);
        foreach (var e in summedMetrics)
            if (e.Value.SummableStateLength > 0 && logs.ContainsKey(e.Key)) summed.Add(e);
        summed.Sort((a, b) => StringComparer.Ordinal.Compare(a.Key, b.Key)); // the same order on every rank
        var keys = logs.Keys.Where(k => !summed.Exists(e => e.Key == k)).Order(StringComparer.Ordinal).ToArray();
        int stateLength = 0;
        foreach (var e in summed) stateLength += e.Value.SummableStateLength;
        var states = new double[stateLength];
        for (int i = 0, at = 0; i < summed.Count; i++)
        {
            var m = summed[i].Value;
            m.ReadSummableState(states.AsSpan(at, m.SummableStateLength));
            at += m.SummableStateLength;
        }
        if (_replicated)
        {
            // The batch just done is in every rank's running means whole: remember its share of the sums, so that all
            // ranks together count it once (as one process does).
            foreach (var k in keys)
            {
                double before = _lastLogs is not null && _lastLogs.TryGetValue(k, out var v) ? v * _lastRows : 0;
                _replicatedSums[k] = _replicatedSums.GetValueOrDefault(k) + logs[k] * _rows - before;
            }
            _replicatedStates ??= new double[stateLength];
            if (_replicatedStates.Length != stateLength) Array.Resize(ref _replicatedStates, stateLength);
            for (int i = 0; i < stateLength; i++)
                _replicatedStates[i] += states[i] - (_lastStates is not null && i < _lastStates.Length ? _lastStates[i] : 0);
            _replicatedRows += _rows - _lastRows;
            _replicated = false;
        }
        _lastLogs = new Dictionary<string, double>(logs, StringComparer.Ordinal);
        _lastRows = _rows;
        _lastStates = (double[])states.Clone();
        var values = new double[keys.Length + 2 + stateLength];
        double others = (WorldSize - 1) / (double)WorldSize; // each rank keeps 1/N of a replicated batch
        double rows = _rows > 0 ? _rows - others * _replicatedRows : 0;
        for (int i = 0; i < keys.Length; i++)
            values[i] = rows > 0 ? logs[keys[i]] * _rows - others * _replicatedSums.GetValueOrDefault(keys[i]) : logs[keys[i]];
        values[keys.Length] = rows;
        values[keys.Length + 1] = rows > 0 ? 1 : 0; // ranks that weight by rows (all or none)
        for (int i = 0; i < stateLength; i++)
            values[keys.Length + 2 + i] = states[i] - (_replicatedStates is not null && i < _replicatedStates.Length ? others * _replicatedStates[i] : 0);
        _comm.AllReduceSum(values);
        var result = new Dictionary<string, double>(logs.Comparer);
        for (int i = 0, at = keys.Length + 2; i < summed.Count; i++)
        {
            var m = summed[i].Value;
            result[summed[i].Key] = m.ResultOfSummedState(values.AsSpan(at, m.SummableStateLength));
            at += m.SummableStateLength;
        }
        bool weighted = values[keys.Length + 1] == WorldSize && values[keys.Length] > 0;
        double divisor = weighted ? values[keys.Length] : WorldSize;
        if (!weighted && values[keys.Length + 1] != 0) // some ranks had rows, others none: fall back to the plain average of the values
        {
            values = new double[keys.Length];
            for (int i = 0; i < keys.Length; i++) values[i] = logs[keys[i]];
            _comm.AllReduceSum(values);
        }
        for (int i = 0; i < keys.Length; i++) result[keys[i]] = values[i] / divisor;
        // In the logs' own order.
        var ordered = new Dictionary<string, double>(logs.Comparer);
        foreach (var k in logs.Keys) ordered[k] = result[k];
        return ordered;
    }

    /// <inheritdoc/>
    void ITrainingDistribution.OnMetricsReset()
    {
        _rows = _lastRows = _replicatedRows = 0;
        _replicated = false;
        _lastLogs = null;
        _replicatedSums.Clear();
        _lastStates = _replicatedStates = null;
    }

    /// <summary>All callbacks on the chief; on other ranks, those that neither print nor write files (progress bar, checkpoints, CSV and TensorBoard logs are dropped).</summary>
    public List<Callback> SelectCallbacks(List<Callback> callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        if (IsChief) return callbacks;
        return callbacks.Where(c => c is not (ProgbarLogger or ModelCheckpoint or CSVLogger or TensorBoard)).ToList();
    }

    /// <inheritdoc/>
    public void Barrier() => _comm.Barrier();

    /// <summary>Finalises MPI (<c>MPI_Finalize</c>); call it once, at the end of the program (process exit does it too).</summary>
    public void Dispose()
    {
        if (ReferenceEquals(ReplicaContext.Current, this)) ReplicaContext.Current = null;
        _thread?.Dispose();
        _thread = null;
        MpiCommunicator.Shutdown();
    }
}

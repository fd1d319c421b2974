using LayerGen.Optimizers;

namespace LayerGen.Formats.Keras;

/// <summary>
/// Keras 3's weights file (<c>.weights.h5</c>, also the <c>model.weights.h5</c> member of a <c>.keras</c> archive) as
/// an <see cref="IStreamWeightsStore"/>: every object of the module, walked as Keras walks it
/// (<see cref="KerasObjectPaths"/>), has a <c>path/vars</c> group holding its variables as datasets <c>0</c>,
/// <c>1</c>...; a compiled <see cref="Model"/>'s optimizer state goes under <c>optimizer/vars</c>. Loading is strict:
/// every variable must be in the file with its shape, or <see cref="KerasFormatException"/> is thrown with nothing
/// assigned, so the report it returns never lists missing variables; its unused entries are the file's <c>vars</c>
/// groups (<c>layers/dense_2/vars</c>) that hold datasets no object of the module read.
/// </summary>
/// <remarks>
/// The HDF5 side is LayerGen's own reader and writer of the subset Keras uses (<c>Formats/Hdf5</c>): no reflection, so
/// the store works in trimmed and NativeAOT apps.
/// </remarks>
public sealed class KerasWeightsStore : IStreamWeightsStore
{
    /// <summary>The file name suffix Keras requires.</summary>
    public const string Suffix = ".weights.h5";

    /// <summary>Creates the store.</summary>
    public KerasWeightsStore() { }

    /// <inheritdoc/>
    public string FormatName => "keras-weights-h5";

    /// <summary>Writes the weights to a <c>.weights.h5</c> file through a temporary file renamed into place.</summary>
    public void Save(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        SaveFile(module, path);
    }

    /// <inheritdoc/>
    public void Save(Module module, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stream);
        var ms = new MemoryStream();
        Write(module, ms);
        ms.Position = 0;
        ms.CopyTo(stream);
    }

    /// <inheritdoc/>
    public RestoreReport Load(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = File.OpenRead(path);
        return new RestoreReport(path, [], Read(module, fs, $"'{path}'", listUnused: true));
    }

    /// <inheritdoc/>
    public RestoreReport Load(Module module, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stream);
        return new RestoreReport(KerasArchive.StreamName, [], Read(module, stream, KerasArchive.StreamName, listUnused: true));
    }

    /// <summary>Checks the name and writes the file atomically (the <see cref="KerasArchive.SaveWeights(Model, string)"/> path).</summary>
    internal static void SaveFile(Module module, string path)
    {
        if (!path.EndsWith(Suffix, StringComparison.Ordinal))
            throw new ArgumentException($"The filename must end in `{Suffix}`. Received: filepath={path}", nameof(path));
        var ms = new MemoryStream();
        Write(module, ms);
        AtomicFile.WriteAllBytes(Path.GetFullPath(path), ms.GetBuffer().AsSpan(0, (int)ms.Length), flushToDisk: true);
    }

    /// <summary>Writes every object's <c>vars</c> group (and a compiled model's optimizer state) as HDF5 into <paramref name="stream"/>.</summary>
    internal static void Write(Module module, Stream stream)
    {
        var groups = new List<(string, string, IReadOnlyList<StoredArray>)>();
        foreach (var e in KerasObjectPaths.Walk(module))
            groups.Add((e.VarsPath, e.Name, e.Variables.Select(v => KerasH5File.FromVariable(v)).ToList()));
        if (module is Model { Optimizer: { } opt })
        {
            // Keras's optimizer.variables order: iteration (int32 in the file), learning rate, then the slots.
            var arrays = new List<StoredArray>();
            var vars = opt.KerasVariables;
            for (int i = 0; i < vars.Count; i++)
                arrays.Add(KerasH5File.FromVariable(vars[i], asInt32: i == 0));
            groups.Add((OptimizerVarsPath, opt.Name, arrays));
        }
        KerasH5File.Write(stream, groups);
    }

    /// <summary>Reads and checks every group first, then assigns them all (from the stream's position: see <see cref="SeekableStreams.FromHere"/>).</summary>
    /// <returns>
    /// With <paramref name="listUnused"/>: the file's <c>vars</c> groups holding datasets that nothing read (objects the
    /// module does not have, or optimizer state when the model has no optimizer); otherwise empty.
    /// </returns>
    /// <param name="module">The module whose variables are assigned.</param>
    /// <param name="stream">The HDF5 file.</param>
    /// <param name="source">Names the file in errors: <c>'path'</c>, or an archive and its member.</param>
    /// <param name="listUnused">Whether to list the groups nothing read.</param>
    internal static List<string> Read(Module module, Stream stream, string source, bool listUnused = false)
    {
        stream = SeekableStreams.FromHere(stream);
        // Read and check everything first, assign only when all of it fits.
        var assignments = new List<(Variable Variable, StoredArray Array)>();
        var read = new HashSet<string>(StringComparer.Ordinal);
        var unused = new List<string>();
        using (var reader = new KerasH5File.Reader(stream, source))
        {
            foreach (var e in KerasObjectPaths.Walk(module))
            {
                read.Add(e.VarsPath);
                var arrays = reader.ReadVars(e.VarsPath);
                if (arrays.Count != e.Variables.Count)
                    throw new KerasFormatException($"Layer '{e.Name}' at '{e.VarsPath}' expects {e.Variables.Count} variables, but the file holds {arrays.Count}.");
                for (int i = 0; i < arrays.Count; i++)
                {
                    if (arrays[i].Shape != e.Variables[i].Shape)
                        throw new KerasFormatException($"Layer '{e.Name}': variable {i} ('{e.Variables[i].Name}') has shape {e.Variables[i].Shape}, but '{e.VarsPath}/{i}' in the file has shape {arrays[i].Shape}.");
                    assignments.Add((e.Variables[i], arrays[i]));
                }
            }
            if (module is Model { Optimizer: { } opt } model && reader.Exists(OptimizerVarsPath))
            {
                read.Add(OptimizerVarsPath);
                assignments.AddRange(OptimizerAssignments(model, opt, reader.ReadVars(OptimizerVarsPath)));
            }
            if (listUnused)
                foreach (var group in reader.VarsGroupsWithDatasets())
                    if (!read.Contains(group)) unused.Add(group);
        }
        var tensors = assignments.Select(a => KerasH5File.ToTensor(a.Array, a.Variable.DType)).ToList();
        VariableAssignment.AssignAll(assignments.Select(a => a.Variable).ToList(), tensors);
        return unused;
    }

    private const string OptimizerVarsPath = "optimizer/vars";

    /// <summary>
    /// Pairs the file's <c>optimizer/vars</c> arrays with the optimizer's variables in Keras's order. A file saved
    /// before the first step holds only the iteration and the learning rate (just the iteration with a schedule);
    /// otherwise the optimizer is built for the model (as Keras's <c>compile_from_config</c> does) and every slot must
    /// be there. Nadam files from Keras versions that created <c>u_product</c> before the slots are recognised by shape.
    /// </summary>
    private static List<(Variable, StoredArray)> OptimizerAssignments(Model model, Optimizer opt, List<StoredArray> arrays)
    {
        int baseCount = opt.LearningRateVariable is null ? 1 : 2;
        if (arrays.Count > baseCount && !opt.IsBuilt) opt.Build(model);
        var vars = opt.KerasVariables.ToList();
        if (arrays.Count > baseCount && arrays.Count != vars.Count)
            throw new KerasFormatException($"Optimizer '{opt.Name}' ({opt.ClassName}) has {vars.Count} variables, but the file's optimizer/vars holds {arrays.Count}.");
        if (arrays.Count < baseCount)
            throw new KerasFormatException($"Optimizer '{opt.Name}' ({opt.ClassName}) needs at least {baseCount} variables (iteration{(baseCount == 2 ? ", learning rate" : "")}), but the file's optimizer/vars holds {arrays.Count}.");
        int extra = opt.OptimizerVariableCount;
        if (arrays.Count == vars.Count && extra > 0 && vars.Count > baseCount + extra
            && arrays[baseCount].Shape.Rank == 0 && vars[baseCount].Shape.Rank != 0)
        {
            // Older layout: optimizer-wide variables right after the learning rate.
            var moved = vars.GetRange(vars.Count - extra, extra);
            vars.RemoveRange(vars.Count - extra, extra);
            vars.InsertRange(baseCount, moved);
        }
        var result = new List<(Variable, StoredArray)>();
        for (int i = 0; i < Math.Min(arrays.Count, vars.Count); i++)
        {
            if (arrays[i].Shape != vars[i].Shape)
                throw new KerasFormatException($"Optimizer '{opt.Name}': variable {i} ('{vars[i].Name}') has shape {vars[i].Shape}, but optimizer/vars/{i} has shape {arrays[i].Shape}.");
            result.Add((vars[i], arrays[i]));
        }
        return result;
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;
using LayerGen.Training;

namespace LayerGen.Formats.Keras;

/// <summary>
/// Keras 3's <c>.keras</c> archive: a zip holding <c>metadata.json</c>, <c>config.json</c> and
/// <c>model.weights.h5</c>, stored uncompressed in that order. Weights are laid out by object structure
/// (<c>layers/dense/vars/0</c>), the optimizer's state under <c>optimizer/vars</c>.
/// See docs/formats/keras.md.
/// </summary>
public static class KerasArchive
{
    /// <summary>The Keras version written in <c>metadata.json</c> (the format this writer follows).</summary>
    public const string KerasVersion = "3.15.1";

    /// <summary>The largest zip entry <see cref="Load(string, long, bool)"/> accepts by default (1 GiB).</summary>
    public const long DefaultMaxEntryBytes = 1L << 30;

    internal const string MetadataEntry = "metadata.json";
    internal const string ConfigEntry = "config.json";
    internal const string WeightsEntry = "model.weights.h5";

    // ------------------------------------------------------------------ save

    /// <summary>The name given to a stream in error messages.</summary>
    public const string StreamName = "(stream)";

    /// <summary>
    /// Saves <paramref name="model"/> (config, compile config, weights, optimizer state) to a <c>.keras</c> file,
    /// through a temporary file beside it that is flushed and renamed into place.
    /// </summary>
    public static void Save(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".keras", StringComparison.Ordinal))
            throw new ArgumentException($"The filename must end in `.keras`. Received: filepath={path}", nameof(path));
        var entries = ArchiveEntries(model);
        string full = Path.GetFullPath(path);
        string temp = AtomicFile.TempPathFor(full);
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                WriteArchive(fs, entries);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Saves <paramref name="model"/> as a <c>.keras</c> archive into <paramref name="stream"/>, from its current
    /// position; the stream is left open. The bytes are those <see cref="Save(Model, string)"/> writes to a file.
    /// </summary>
    public static void Save(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        // Built in memory first: zip offsets then count from the archive's first byte wherever the stream stands.
        var archive = new MemoryStream();
        WriteArchive(archive, ArchiveEntries(model));
        archive.Position = 0;
        archive.CopyTo(stream);
    }

    /// <summary>The three members of the archive, in the order Keras writes them (everything is serialized before a byte is written).</summary>
    private static (string Name, byte[] Bytes)[] ArchiveEntries(Model model)
    {
        var config = LayerRegistry.Serialize(model);
        config["compile_config"] = model.IsCompiled ? CompileConfig(model) : new JsonObject(); // Keras writes {} when not compiled
        var metadata = new JsonObject
        {
            ["keras_version"] = KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
        };
        var weights = new MemoryStream();
        KerasWeightsStore.Write(model, weights);
        return
        [
            (MetadataEntry, Encoding.UTF8.GetBytes(metadata.ToJsonString())),
            (ConfigEntry, Encoding.UTF8.GetBytes(config.ToJsonString())),
            (WeightsEntry, weights.ToArray()),
        ];
    }

    private static void WriteArchive(Stream stream, (string Name, byte[] Bytes)[] entries)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, bytes) in entries) AddEntry(zip, name, bytes);
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(bytes);
    }

    /// <summary>Saves only the weights (and optimizer state) to a <c>.weights.h5</c> file.</summary>
    public static void SaveWeights(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        KerasWeightsStore.SaveFile(model, path);
    }

    /// <summary>
    /// Saves only the weights (and optimizer state) as a <c>.weights.h5</c> (HDF5) file into <paramref name="stream"/>,
    /// from its current position; the stream is left open.
    /// </summary>
    public static void SaveWeights(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var ms = new MemoryStream();
        KerasWeightsStore.Write(model, ms);
        ms.Position = 0;
        ms.CopyTo(stream);
    }

    // ------------------------------------------------------------------ load

    /// <summary>
    /// Loads a model from a <c>.keras</c> file: checks the archive and that every layer class in the config is
    /// registered before creating anything, rebuilds the model, compiles it when the archive has a
    /// <c>compile_config</c>, then loads the weights and optimizer state. Throws <see cref="KerasFormatException"/>.
    /// </summary>
    /// <param name="path">The archive.</param>
    /// <param name="maxEntryBytes">The largest zip entry accepted.</param>
    /// <param name="compile">
    /// Whether to compile the model from the archive's compile config (Keras's <c>compile</c>); false loads the model
    /// uncompiled, also when its compile config cannot be rebuilt (the optimizer state is not read then).
    /// </param>
    public static Model Load(string path, long maxEntryBytes = DefaultMaxEntryBytes, bool compile = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new KerasFormatException($"'{path}' is not a valid .keras (zip) archive: {e.Message}", e); }
        using (zip) return Load(zip, new FileInfo(path).Length, path, maxEntryBytes, compile);
    }

    /// <summary>
    /// Loads a model from a <c>.keras</c> archive in <paramref name="stream"/> (read from its current position; a stream
    /// that cannot seek, or does not stand at 0, is copied into memory first), as <see cref="Load(string, long, bool)"/> does.
    /// The stream is left open.
    /// </summary>
    /// <param name="stream">The archive.</param>
    /// <param name="maxEntryBytes">The largest zip entry accepted.</param>
    /// <param name="compile">Whether to compile the model from the archive's compile config (see <see cref="Load(string, long, bool)"/>).</param>
    public static Model Load(Stream stream, long maxEntryBytes = DefaultMaxEntryBytes, bool compile = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive zip;
        var seekable = SeekableStreams.FromHere(stream);
        try { zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new KerasFormatException($"'{StreamName}' is not a valid .keras (zip) archive: {e.Message}", e); }
        using (zip) return Load(zip, seekable.Length, StreamName, maxEntryBytes, compile);
    }

    private static Model Load(ZipArchive zip, long archiveLength, string path, long maxEntryBytes, bool compileModel)
    {
        const string limit = "the limit of maxEntryBytes";
        byte[] configBytes;
        ZipArchiveEntry weightsEntry;
        try
        {
            byte[]? c = null;
            ZipArchiveEntry? w = null;
            foreach (var entry in zip.Entries)
            {
                CheckEntryName(entry.FullName);
                if (entry.FullName == ConfigEntry) c = KerasArchiveMember.Read(entry, archiveLength, maxEntryBytes, limit);
                else if (entry.FullName == WeightsEntry) w = entry; // read once the config says how large it may be
                else _ = KerasArchiveMember.Read(entry, archiveLength, maxEntryBytes, limit); // every member's CRC-32 is checked, even those not used
            }
            configBytes = c ?? throw new KerasFormatException($"'{path}' has no {ConfigEntry}.");
            weightsEntry = w ?? throw new KerasFormatException($"'{path}' has no {WeightsEntry}.");
        }
        catch (InvalidDataException e) { throw new KerasFormatException($"'{path}' is not a valid .keras (zip) archive: {e.Message}", e); }

        JsonObject config;
        if (!System.Text.Unicode.Utf8.IsValid(configBytes))
            throw new KerasFormatException($"{ConfigEntry} is not valid UTF-8.");
        try
        {
            config = JsonNode.Parse(configBytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new KerasFormatException($"{ConfigEntry} is not a JSON object.");
        }
        catch (JsonException e) { throw new KerasFormatException($"{ConfigEntry} is not valid JSON (or names a key twice in one object): {e.Message}", e); }

        CheckRegistered(config, "config.json");
        Model model;
        try
        {
            var layer = LayerRegistry.Deserialize(config);
            model = layer as Model ?? throw new KerasFormatException($"config.json describes a {layer.ClassName}, not a model.");
        }
        catch (LayerGenException e) when (e is not KerasFormatException) { throw new KerasFormatException($"Cannot rebuild the model from config.json: {e.Message}", e); }
        catch (Exception e) when (e is not KerasFormatException and not OutOfMemoryException)
        { throw new KerasFormatException($"Cannot rebuild the model from config.json: {e.Message}", e); }
        try
        {
            if (compileModel && config["compile_config"] is JsonObject { Count: > 0 } compile)
            {
                Compile(model, compile);
                model.RunEagerly = compile["run_eagerly"] is JsonValue eager && eager.TryGetValue(out bool runEagerly) && runEagerly;
            }
        }
        catch (KerasFormatException e) { throw new KerasFormatException(e.Message + CompileFalseHint, e); }
        catch (Exception e) when (e is not OutOfMemoryException)
        { throw new KerasFormatException($"Cannot compile the model from its compile_config: {e.Message}" + CompileFalseHint, e); }

        byte[] weightsBytes;
        try { weightsBytes = ReadWeights(weightsEntry, archiveLength, model, maxEntryBytes, "config.json"); }
        catch (InvalidDataException e) { throw new KerasFormatException($"'{path}' is not a valid .keras (zip) archive: {e.Message}", e); }
        using (var ms = new MemoryStream(weightsBytes, 0, weightsBytes.Length, writable: false, publiclyVisible: true))
            KerasWeightsStore.Read(model, ms, $"{WeightsEntry} in '{path}'");
        return model;
    }

    /// <summary>The weights member, bounded by <paramref name="maxEntryBytes"/> and by what <paramref name="model"/>'s variables can need (<see cref="KerasArchiveMember.WeightsLimit"/>).</summary>
    private static byte[] ReadWeights(ZipArchiveEntry entry, long archiveLength, Model model, long maxEntryBytes, string modelSource)
    {
        long implied = KerasArchiveMember.WeightsLimit(model);
        return implied < maxEntryBytes
            ? KerasArchiveMember.Read(entry, archiveLength, implied, $"what the model of {modelSource} can hold ({model.Variables.Count} variables; four times their bytes plus HDF5 structure)")
            : KerasArchiveMember.Read(entry, archiveLength, maxEntryBytes, "the limit of maxEntryBytes");
    }

    private static void CheckEntryName(string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.StartsWith('\\') || name.Contains(':', StringComparison.Ordinal)
            || name.Split('/', '\\').Any(p => p == ".."))
            throw new KerasFormatException($"The archive holds an entry with a path outside the archive: '{name}'.");
    }

    /// <summary>Refuses a config naming a layer class that is not registered (before anything is created).</summary>
    private static void CheckRegistered(JsonObject serialized, string where)
    {
        if (KerasOperation.IsOperation(serialized)) return; // a Keras op node (mask ops): KerasOperation replays it
        Config.TryGetString(serialized["registered_name"], out var registered);
        Config.TryGetString(serialized["class_name"], out var className);
        string? name = string.IsNullOrEmpty(registered) ? className : registered;
        if (string.IsNullOrEmpty(name))
            throw new KerasFormatException($"{where}: a serialized layer needs a \"class_name\".");
        if (!LayerRegistry.IsRegistered(name) && !string.IsNullOrEmpty(registered) && !string.IsNullOrEmpty(className) && LayerRegistry.IsRegistered(className))
            throw new KerasFormatException($"{where}: {LayerRegistry.UnknownRegisteredName("layer", registered, className)}");
        if (!LayerRegistry.IsRegistered(name))
            throw new KerasFormatException($"{where}: the class '{name}' is not registered, so the model was not loaded. Register it ([Layer] classes register themselves when their assembly loads; otherwise call LayerRegistry.Register).");
        if (serialized["config"] is JsonObject config && config["layers"] is JsonArray layers)
            foreach (var item in layers)
                if (item is JsonObject o) CheckRegistered(o, where);
    }

    /// <summary>
    /// Loads weights (and optimizer state, when the file has it and the model is compiled) from a <c>.weights.h5</c>
    /// file, or from the <c>model.weights.h5</c> inside a <c>.keras</c> archive (as Keras 3's <c>load_weights</c>
    /// accepts both; the archive's config is not read, so the model must already have the same architecture).
    /// </summary>
    public static void LoadWeights(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = File.OpenRead(path);
        LoadWeights(model, fs, path);
    }

    /// <summary>
    /// Loads weights (and optimizer state, when present and the model is compiled) from a <c>.weights.h5</c> file or a
    /// <c>.keras</c> archive (told apart by their first bytes) in <paramref name="stream"/>, from its position (a stream
    /// that cannot seek, or does not stand at 0, is copied into memory first); nothing changes on error.
    /// </summary>
    public static void LoadWeights(Model model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        LoadWeights(model, stream, StreamName);
    }

    private static void LoadWeights(Model model, Stream stream, string name)
    {
        stream = SeekableStreams.FromHere(stream);
        if (!IsZip(stream))
        {
            KerasWeightsStore.Read(model, stream, $"'{name}'");
            return;
        }
        byte[] weightsBytes = ReadWeightsEntry(stream, model, name, DefaultMaxEntryBytes);
        using var ms = new MemoryStream(weightsBytes, 0, weightsBytes.Length, writable: false, publiclyVisible: true);
        KerasWeightsStore.Read(model, ms, $"{WeightsEntry} in '{name}'");
    }

    /// <summary>Whether the stream (seekable, at 0) starts with a zip local-file or end-of-directory signature; the position is restored.</summary>
    private static bool IsZip(Stream stream)
    {
        Span<byte> head = stackalloc byte[4];
        int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        return n == 4 && head[0] == (byte)'P' && head[1] == (byte)'K'
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    /// <summary>The <c>model.weights.h5</c> member of a <c>.keras</c> archive; every member's name and CRC-32 are checked, as <see cref="Load(string, long, bool)"/> does.</summary>
    private static byte[] ReadWeightsEntry(Stream stream, Model model, string name, long maxEntryBytes)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            byte[]? w = null;
            foreach (var entry in zip.Entries)
            {
                CheckEntryName(entry.FullName);
                if (entry.FullName == WeightsEntry) w = ReadWeights(entry, stream.Length, model, maxEntryBytes, "the model loading them");
                else _ = KerasArchiveMember.Read(entry, stream.Length, maxEntryBytes, "the limit of maxEntryBytes");
            }
            return w ?? throw new KerasFormatException($"'{name}' is a zip archive without a {WeightsEntry}, so it is neither a .keras archive nor a .weights.h5 file.");
        }
        catch (InvalidDataException e) { throw new KerasFormatException($"'{name}' is not a valid .keras (zip) archive: {e.Message}", e); }
    }

    // ------------------------------------------------------------------ compile config

    internal static JsonObject CompileConfig(Model model)
    {
        // Per-output arguments are written as the user gave them (Keras serializes compile's arguments as they came): a
        // dictionary keyed by output name when compile took one, else a list with one entry per output.
        var keys = Trainer.Of(model).PerOutputKeys;
        var names = model.OutputNames;
        return new JsonObject
        {
            ["optimizer"] = model.Optimizer!.Serialize(),
            ["loss"] = model.OutputLosses is { } losses ? PerOutputNode(losses, keys.Loss, names, l => l?.ToCompileConfig()) : model.Loss?.ToCompileConfig(),
            ["loss_weights"] = model.LossWeights is { } weights ? PerOutputNode(weights, keys.LossWeights, names, w => JsonValue.Create(w)) : null,
            ["metrics"] = model.OutputMetrics is { } perOutput ? PerOutputNode(perOutput, keys.Metrics, names, MetricList)
                : model.CompiledMetrics.Count == 0 ? null : new JsonArray([.. model.CompiledMetrics.Select(m => m.ToCompileConfig())]),
            ["weighted_metrics"] = model.OutputWeightedMetrics is { } weighted ? PerOutputNode(weighted, keys.WeightedMetrics, names, MetricList) : null,
            ["run_eagerly"] = model.RunEagerly,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

    /// <summary>One value per output as a list, or, when <paramref name="dictKeys"/> is given, as a dictionary of those outputs.</summary>
    private static JsonNode PerOutputNode<T>(IReadOnlyList<T> values, string[]? dictKeys, IReadOnlyList<string> names, Func<T, JsonNode?> write)
    {
        if (dictKeys is null) return new JsonArray([.. values.Select(write)]);
        var dict = new JsonObject();
        foreach (var key in dictKeys)
        {
            for (int i = 0; i < names.Count && i < values.Count; i++)
                if (names[i] == key) { dict[key] = write(values[i]); break; }
        }
        return dict;
    }

    private static JsonNode MetricList(IReadOnlyList<Metric> list) => new JsonArray([.. list.Select(m => (JsonNode?)m.ToCompileConfig())]);

    /// <summary>What a <see cref="KerasFormatException"/> about the compile config adds: the way to load the model anyway.</summary>
    internal const string CompileFalseHint = " To load the model without its compile config (Keras's compile=False), use Model.Load(path, compile: false) and compile it yourself.";

    private static void Compile(Model model, JsonObject compile)
    {
        if (IsPerOutput(compile["loss"]) || IsPerOutput(compile["loss_weights"]) || IsPerOutputMetrics(compile["metrics"]) || compile["weighted_metrics"] is JsonArray or JsonObject)
        {
            CompilePerOutput(model, compile);
            return;
        }
        Optimizer? optimizer = compile["optimizer"] switch
        {
            null => null,
            JsonObject o => OptimizerFromConfig(o),
            JsonValue v when Config.TryGetString(v, out var s) => Optimizer.Get(s),
            var other => throw new KerasFormatException($"compile_config: cannot read the optimizer {other.ToJsonString()}."),
        };
        Loss? loss = compile["loss"] switch
        {
            null => null,
            JsonValue v when Config.TryGetString(v, out var s) => Loss.Get(s),
            JsonObject o when Config.TryGetString(o["class_name"], out var cn) => LossFromConfig(cn, o),
            var other => throw new KerasFormatException($"compile_config: cannot read the loss {other.ToJsonString()}."),
        };
        var metrics = new List<Metric>();
        switch (compile["metrics"])
        {
            case null: break;
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is null or JsonArray || (item is JsonObject jo && jo["class_name"] is null))
                        throw new KerasFormatException($"compile_config: metrics per output ({list.ToJsonString()}) are not supported; LayerGen compiles one flat list of metrics.");
                    try { metrics.Add(Metric.Deserialize(item)); }
                    catch (ConfigException e) { throw new KerasFormatException($"compile_config: {e.Message}", e); }
                }
                break;
            case var other:
                throw new KerasFormatException($"compile_config: metrics per output ({other.ToJsonString()}) are not supported; LayerGen compiles one flat list of metrics.");
        }
        foreach (var key in new[] { "weighted_metrics", "loss_weights" })
            if (compile[key] is { } unsupported)
                throw new KerasFormatException($"compile_config: \"{key}\" ({unsupported.ToJsonString()}) is not supported by LayerGen, so the model was not loaded.");
        model.Compile(optimizer ?? Optimizer.Get("rmsprop"), loss, metrics);
    }

    private static bool IsPerOutput(JsonNode? node) => node is JsonArray || (node is JsonObject o && o["class_name"] is null);

    private static bool IsPerOutputMetrics(JsonNode? node)
        => (node is JsonArray list && list.Any(i => i is null or JsonArray || (i is JsonObject jo && jo["class_name"] is null)))
           || (node is JsonObject o && o["class_name"] is null);

    /// <summary>A compile config with one loss per output (a list or a dictionary keyed by output name), loss weights and metrics per output.</summary>
    private static void CompilePerOutput(Model model, JsonObject compile)
    {
        var names = model.OutputNames;
        if (names.Count == 0)
            throw new KerasFormatException($"compile_config: losses or metrics per output ({compile.ToJsonString()}) need a functional model, which names its outputs.");
        Optimizer? optimizer = compile["optimizer"] switch
        {
            null => null,
            JsonObject o => OptimizerFromConfig(o),
            JsonValue v when Config.TryGetString(v, out var s) => Optimizer.Get(s),
            var other => throw new KerasFormatException($"compile_config: cannot read the optimizer {other.ToJsonString()}."),
        };
        var losses = PerOutput(compile["loss"], names, "loss", ReadLoss, repeatSingle: true) ?? new Loss?[names.Count];
        var weights = PerOutput(compile["loss_weights"], names, "loss_weights", n => n is null ? 1.0 : Config.TryGetDouble(n, out var d) ? d
            : throw new KerasFormatException($"compile_config: a loss weight must be a number, got {n?.ToJsonString() ?? "null"}."), repeatSingle: false);
        var metrics = PerOutput(compile["metrics"], names, "metrics", ReadMetricList, repeatSingle: false);
        var weightedMetrics = PerOutput(compile["weighted_metrics"], names, "weighted_metrics", ReadMetricList, repeatSingle: false);
        model.Compile(optimizer ?? Optimizer.Get("rmsprop"), losses, weights, metrics, weightedMetrics);
        Trainer.Of(model).PerOutputKeys = new Trainer.CompileKeys(DictKeys(compile["loss"]), DictKeys(compile["loss_weights"]),
            DictKeys(compile["metrics"]), DictKeys(compile["weighted_metrics"]));
    }

    /// <summary>The output names of a per-output dictionary (kept, so the model writes it back as a dictionary), or null.</summary>
    private static string[]? DictKeys(JsonNode? node) => node is JsonObject dict && dict["class_name"] is null ? [.. dict.Select(p => p.Key)] : null;

    private static T[]? PerOutput<T>(JsonNode? node, IReadOnlyList<string> names, string key, Func<JsonNode?, T> read, bool repeatSingle)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray list:
                if (list.Count != names.Count)
                    throw new KerasFormatException($"compile_config: \"{key}\" has {list.Count} entries, but the model has {names.Count} output(s) [{string.Join(", ", names.Select(n => "'" + n + "'"))}].");
                return [.. list.Select(read)];
            case JsonObject dict when dict["class_name"] is null:
                foreach (var (k, _) in dict)
                    if (!names.Contains(k))
                        throw new KerasFormatException($"compile_config: \"{key}\" names \"{k}\", which is not an output of the model [{string.Join(", ", names.Select(n => "'" + n + "'"))}].");
                return [.. names.Select(n => dict.TryGetPropertyValue(n, out var v) ? read(v) : read(null))];
            default:
                if (!repeatSingle) throw new KerasFormatException($"compile_config: cannot read \"{key}\" {node.ToJsonString()} for a model with several outputs.");
                var one = read(node);
                return [.. names.Select(_ => one)];
        }
    }

    private static Loss? ReadLoss(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when Config.TryGetString(v, out var s) => LossFromIdentifier(s),
        JsonObject o when Config.TryGetString(o["class_name"], out var cn) => LossFromConfig(cn, o),
        var other => throw new KerasFormatException($"compile_config: cannot read the loss {other.ToJsonString()}."),
    };

    private static Loss LossFromIdentifier(string identifier)
    {
        try { return Loss.Get(identifier); }
        catch (ConfigException e) { throw new KerasFormatException($"compile_config: cannot read the loss \"{identifier}\": {e.Message}", e); }
    }

    private static IReadOnlyList<Metric>? ReadMetricList(JsonNode? node)
    {
        if (node is null) return null;
        var items = node is JsonArray a ? [.. a] : new List<JsonNode?> { node };
        var list = new List<Metric>();
        foreach (var item in items)
        {
            if (item is null) continue;
            try { list.Add(Metric.Deserialize(item)); }
            catch (ConfigException e) { throw new KerasFormatException($"compile_config: {e.Message}", e); }
        }
        return list;
    }

    /// <summary>A loss object of compile_config with its arguments (from_logits and the rest), as a typed error when unreadable.</summary>
    private static Loss LossFromConfig(string className, JsonObject serialized)
    {
        try { return Loss.Deserialize(serialized); }
        catch (Exception e) when (e is ArgumentException or ConfigException or InvalidOperationException or FormatException)
        {
            throw new KerasFormatException($"compile_config: cannot read the loss {className}: {e.Message}", e);
        }
    }

    /// <summary>An optimizer object of compile_config with its arguments and schedule, as a typed error when unreadable.</summary>
    private static Optimizer OptimizerFromConfig(JsonObject serialized)
    {
        try { return Optimizer.Deserialize(serialized); }
        catch (Exception e) when (e is ArgumentException or ConfigException)
        {
            throw new KerasFormatException($"compile_config: cannot read the optimizer: {e.Message}", e);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace LayerGen.Formats;

/// <summary>
/// A module saved as graphs plus weights, like TensorFlow's SavedModel: every traced signature of the
/// given functions as a JSON graph, the variables as a <see cref="Checkpoint"/>, and the object structure.
/// <see cref="Load(string)"/> needs no user class: it returns a <see cref="LoadedModule"/>. The layout is in
/// docs/formats/savedmodel.md. A SavedModel is a directory of several files (manifest, graphs, a checkpoint), so
/// there is no <see cref="Stream"/> overload; each file is written through a temporary file renamed into place.
/// </summary>
public static class SavedModel
{
    /// <summary>The manifest file in the directory.</summary>
    public const string ManifestFile = "saved_model.json";
    /// <summary>The format name in the manifest.</summary>
    public const string FormatName = "layergen.saved_model";
    /// <summary>The format version written and read.</summary>
    public const int Version = 1;
    /// <summary>The checkpoint prefix of the variables, relative to the directory.</summary>
    public const string VariablesPrefix = "variables/variables";
    /// <summary>The checkpoint child the module is saved under (keys are <c>model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE</c>).</summary>
    public const string CheckpointRoot = "model";

    /// <summary>
    /// Saves <paramref name="module"/>'s variables and the concrete functions of <paramref name="functions"/>
    /// (each must have been traced at least once) to <paramref name="directory"/>, replacing an earlier save there.
    /// </summary>
    public static void Save(Module module, string directory, params TensorFunction[] functions)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(functions);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in functions)
        {
            if (!names.Add(f.Name)) throw new ArgumentException($"Two functions are named '{f.Name}'; give them distinct names in TensorFunction.Trace.");
            if (f.TraceCount == 0) throw new ArgumentException($"Function '{f.Name}' was never traced: call it (or GetConcreteFunction) with each signature to save first.");
        }

        var named = module.NamedVariables;
        var paths = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        foreach (var (p, v) in named) paths[v] = p;
        var trainable = new HashSet<Variable>(module.TrainableVariables, ReferenceEqualityComparer.Instance);

        // Serialize every graph first, so an untracked capture fails before anything is written.
        var graphFiles = new List<(string File, byte[] Json)>();
        var manifestFunctions = new List<(string Name, List<(ConcreteFunction Function, string File)> Concrete)>();
        foreach (var f in functions)
        {
            var list = new List<(ConcreteFunction, string)>();
            var concrete = f.ConcreteFunctions;
            for (int i = 0; i < concrete.Count; i++)
            {
                string file = $"functions/{SafeName(f.Name)}_{i}.json";
                graphFiles.Add((file, ToJson(w => GraphJson.Write(w, concrete[i].Graph, f.Name, v => paths.GetValueOrDefault(v)))));
                list.Add((concrete[i], file));
            }
            manifestFunctions.Add((f.Name, list));
        }

        Directory.CreateDirectory(directory);
        // An earlier save's manifest goes first, so a save interrupted below leaves no manifest (incomplete), never
        // an old manifest over new or missing files.
        File.Delete(Path.Combine(directory, ManifestFile));
        foreach (var sub in new[] { "functions", "variables" })
        {
            var d = Path.Combine(directory, sub);
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
            Directory.CreateDirectory(d);
        }
        foreach (var (file, json) in graphFiles) AtomicFile.WriteAllBytes(Path.GetFullPath(Path.Combine(directory, file)), json, flushToDisk: true);
        new Checkpoint { [CheckpointRoot] = module }.Write(Path.Combine(directory, VariablesPrefix));

        var manifest = ToJson(w =>
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", Version);
            w.WriteStartObject("module");
            w.WriteString("name", module.Name);
            w.WriteString("class", module.GetType().Name);
            w.WriteEndObject();
            w.WriteString("variables_prefix", VariablesPrefix);
            w.WriteStartArray("submodules");
            foreach (var (p, sub) in module.NamedSubmodules)
            {
                w.WriteStartObject();
                w.WriteString("path", p);
                w.WriteString("name", sub.Name);
                w.WriteString("class", sub.GetType().Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("variables");
            foreach (var (p, v) in named)
            {
                w.WriteStartObject();
                w.WriteString("path", p);
                w.WriteString("name", v.Name);
                w.WriteStartArray("shape");
                foreach (var d in v.Shape.ToArray()) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteString("dtype", v.DType.Name());
                w.WriteBoolean("trainable", trainable.Contains(v));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("functions");
            foreach (var (name, list) in manifestFunctions)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteStartArray("concrete_functions");
                foreach (var (c, file) in list)
                {
                    w.WriteStartObject();
                    w.WriteString("graph", file);
                    w.WriteStartArray("inputs");
                    foreach (var n in c.Graph.Inputs)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", n.Name);
                        w.WriteStartArray("shape");
                        foreach (var d in n.Spec.Shape.ToArray()) w.WriteNumberValue(d);
                        w.WriteEndArray();
                        w.WriteString("dtype", n.Spec.DType.Name());
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        // The manifest last, through a temporary file renamed into place: a directory without it is not a
        // (complete) SavedModel, and a crash never leaves a half-written manifest.
        AtomicFile.WriteAllBytes(Path.GetFullPath(Path.Combine(directory, ManifestFile)), manifest, flushToDisk: true);
    }

    /// <summary>
    /// Loads a SavedModel: the variables from the checkpoint and every saved graph. Throws
    /// <see cref="SavedModelFormatException"/> naming the file and what is wrong when the directory is damaged.
    /// </summary>
    public static LoadedModule Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
            throw new SavedModelFormatException(manifestPath, Directory.Exists(directory) ? "missing: this directory is not a SavedModel." : "the directory does not exist.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(manifestPath)); }
        catch (JsonException e) { throw new SavedModelFormatException(manifestPath, $"not valid JSON (truncated?): {e.Message}", e); }
        using (doc)
        {
            var reading = new StrongBox<string>("the manifest's header");
            try
            {
                return Load(directory, manifestPath, doc.RootElement, reading);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // A value of the wrong JSON kind (a string where a number belongs...): say where, quote .NET's words.
                throw new SavedModelFormatException(manifestPath, $"malformed manifest: {reading.Value} holds a value of the wrong JSON type or form ({e.GetType().Name}: {e.Message})", e);
            }
        }
    }

    /// <summary>Loads the manifest's SavedModel; <paramref name="reading"/> is kept naming the part being read, for error messages.</summary>
    private static LoadedModule Load(string directory, string manifestPath, JsonElement root, StrongBox<string> reading)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
            throw new SavedModelFormatException(manifestPath, $"not a LayerGen SavedModel (expected \"format\": \"{FormatName}\").");
        int version = Req(root, "version", manifestPath).GetInt32();
        if (version != Version)
            throw new SavedModelFormatException(manifestPath, $"SavedModel format version {version}; this LayerGen reads version {Version}.");
        var module = Req(root, "module", manifestPath);
        string name = Req(module, "name", manifestPath).GetString() ?? "loaded_module";
        string className = module.TryGetProperty("class", out var c) ? c.GetString() ?? "" : "";

        // The declared variables first, without allocating: a manifest of a few bytes may declare any shape.
        var declared = new List<(string Path, string Name, DType DType, Shape Shape, bool Trainable)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in Req(root, "variables", manifestPath).EnumerateArray())
        {
            reading.Value = $"variable {declared.Count}";
            string path = Req(v, "path", manifestPath).GetString() ?? "";
            reading.Value = $"variable {declared.Count} ('{path}')";
            string vname = v.TryGetProperty("name", out var n) ? n.GetString() ?? path : path;
            DType dtype;
            try { dtype = DTypes.Parse(Req(v, "dtype", manifestPath).GetString() ?? ""); }
            catch (ArgumentException e) { throw new SavedModelFormatException(manifestPath, $"variable '{path}': {e.Message}", e); }
            var shape = ReadShape(Req(v, "shape", manifestPath), dtype, manifestPath, path);
            bool trainable = !v.TryGetProperty("trainable", out var t) || t.GetBoolean();
            if (!seen.Add(path)) throw new SavedModelFormatException(manifestPath, $"variable '{path}' is listed twice.");
            declared.Add((path, vname, dtype, shape, trainable));
        }

        // Then the checkpoint's index (whose entries were checked against the data files' real lengths): every
        // declared variable must be stored there with its dtype and shape before its memory is allocated, so the
        // load never allocates more than the files hold.
        reading.Value = "the variables prefix";
        string prefixRel = Req(root, "variables_prefix", manifestPath).GetString() ?? VariablesPrefix;
        string prefix = Inside(directory, prefixRel, manifestPath, "the variables prefix");
        _ = Inside(directory, prefixRel + ".index", manifestPath, "the variables index");
        bool hasCheckpoint = declared.Count > 0 || File.Exists(prefix + ".index");
        if (hasCheckpoint)
        {
            if (!File.Exists(prefix + ".index"))
                throw new SavedModelFormatException(prefix + ".index", "missing: the variables checkpoint is not there.");
            CheckpointReader reader;
            try { reader = CheckpointReader.Open(prefix); }
            catch (CheckpointFormatException e) { throw new SavedModelFormatException(prefix, $"the variables checkpoint is damaged: {e.Message}", e); }
            catch (IOException e) { throw new SavedModelFormatException(prefix, $"the variables checkpoint cannot be read: {e.Message}", e); }
            var missing = new List<string>();
            foreach (var (path, _, dtype, shape, _) in declared)
            {
                string key = CheckpointKeys.ForVariable(CheckpointKeys.Join(CheckpointRoot, path));
                if (!reader.TryGetEntry(key, out var entry)) { missing.Add(key); continue; }
                if (entry.DType != dtype || entry.Shape != shape)
                    throw new SavedModelFormatException(prefix,
                        $"the variables checkpoint does not fit the manifest: variable '{path}' is declared {dtype.Name()} {shape}, the checkpoint stores {entry.DType.Name()} {entry.Shape} under '{key}'.");
            }
            if (missing.Count > 0)
                throw new SavedModelFormatException(prefix, $"the variables checkpoint lacks {string.Join(", ", missing)}.");
        }

        var variables = new List<KeyValuePair<string, Variable>>();
        var byPath = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var (path, vname, dtype, shape, trainable) in declared)
        {
            var variable = new Variable(Tensor.Zeros(shape, dtype), trainable, vname);
            byPath[path] = variable;
            variables.Add(new(path, variable));
        }

        var functions = new List<KeyValuePair<string, IReadOnlyList<ConcreteFunction>>>();
        foreach (var fn in Req(root, "functions", manifestPath).EnumerateArray())
        {
            reading.Value = $"function {functions.Count}";
            string fname = Req(fn, "name", manifestPath).GetString() ?? "";
            reading.Value = $"function {functions.Count} ('{fname}')";
            var list = new List<ConcreteFunction>();
            foreach (var cf in Req(fn, "concrete_functions", manifestPath).EnumerateArray())
            {
                string rel = Req(cf, "graph", manifestPath).GetString() ?? "";
                string file = Inside(directory, rel, manifestPath, $"the graph file of function '{fname}'");
                if (!File.Exists(file))
                    throw new SavedModelFormatException(file, $"missing: the graph file of function '{fname}' is not there.");
                list.Add(new ConcreteFunction(fname, GraphJson.Read(File.ReadAllBytes(file), file, byPath)));
            }
            if (list.Count == 0)
                throw new SavedModelFormatException(manifestPath, $"function '{fname}' has no concrete functions, so it could never be called.");
            functions.Add(new(fname, list));
        }

        var submodules = new List<SavedObjectInfo>();
        reading.Value = "the submodules";
        if (root.TryGetProperty("submodules", out var subs))
            foreach (var sm in subs.EnumerateArray())
                submodules.Add(new SavedObjectInfo(Req(sm, "path", manifestPath).GetString() ?? "",
                    sm.TryGetProperty("name", out var sn) ? sn.GetString() ?? "" : "",
                    sm.TryGetProperty("class", out var sc) ? sc.GetString() ?? "" : ""));

        var loaded = new LoadedModule(name, className, variables, functions, submodules);
        if (hasCheckpoint)
        {
            CheckpointLoadStatus status;
            try { status = new Checkpoint { [CheckpointRoot] = loaded }.Restore(prefix); }
            catch (CheckpointFormatException e) { throw new SavedModelFormatException(prefix, $"the variables checkpoint is damaged: {e.Message}", e); }
            catch (CheckpointMismatchException e) { throw new SavedModelFormatException(prefix, $"the variables checkpoint does not fit the manifest: {e.Message}", e); }
            catch (IOException e) { throw new SavedModelFormatException(prefix, $"the variables checkpoint cannot be read: {e.Message}", e); }
            if (status.MissingFromFile.Count > 0)
                throw new SavedModelFormatException(prefix, $"the variables checkpoint lacks {string.Join(", ", status.MissingFromFile)}.");
        }
        return loaded;
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> inside the SavedModel <paramref name="directory"/>; refuses a
    /// rooted path, one that climbs out with <c>..</c>, and a symbolic link whose target lies outside.
    /// </summary>
    private static string Inside(string directory, string relative, string manifestPath, string what)
    {
        if (relative.Length == 0)
            throw new SavedModelFormatException(manifestPath, $"{what} is an empty path.");
        if (Path.IsPathRooted(relative) || relative.Contains('\0'))
            throw new SavedModelFormatException(manifestPath, $"{what} '{relative}' is not a path inside the SavedModel directory.");
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(root, relative));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!full.StartsWith(root, comparison))
            throw new SavedModelFormatException(manifestPath, $"{what} '{relative}' points outside the SavedModel directory.");
        for (string? p = full; p is not null && p.Length > root.Length; p = Path.GetDirectoryName(p))
        {
            FileSystemInfo info = Directory.Exists(p) ? new DirectoryInfo(p) : new FileInfo(p);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target
                && !Path.GetFullPath(target.FullName).StartsWith(root, comparison))
                throw new SavedModelFormatException(manifestPath, $"{what} '{relative}' is a link to '{target.FullName}', outside the SavedModel directory.");
        }
        return full;
    }

    /// <summary>A variable's shape from the manifest: non-negative integer dimensions whose element count fits an array.</summary>
    private static Shape ReadShape(JsonElement shape, DType dtype, string manifestPath, string variable)
    {
        if (shape.ValueKind != JsonValueKind.Array)
            throw new SavedModelFormatException(manifestPath, $"variable '{variable}': \"shape\" must be a list of integers.");
        var dims = new List<long>();
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim))
                throw new SavedModelFormatException(manifestPath, $"variable '{variable}': a shape dimension is not an integer.");
            dims.Add(dim);
        }
        return TensorBytes.CheckShape(dims.ToArray(), dtype, manifestPath, variable,
            static (file, key, message) => new SavedModelFormatException(file, $"variable '{key}': {message}"), out _);
    }

    private static JsonElement Req(JsonElement e, string name, string file)
        => e.TryGetProperty(name, out var v) ? v : throw new SavedModelFormatException(file, $"missing \"{name}\".");

    private static string SafeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_');
        return sb.ToString();
    }

    private static byte[] ToJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            write(w);
        return stream.ToArray();
    }
}

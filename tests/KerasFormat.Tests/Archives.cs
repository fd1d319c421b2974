using System.IO.Compression;
using System.Text;
using PureHDF;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Helpers to look into and damage archives.</summary>
public static class Archives
{
    /// <summary>This test run's scratch folder, deleted when the test process exits.</summary>
    private static readonly Lazy<string> Scratch = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("layergen-keras-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    /// <summary>A fresh path with the given suffix in this run's scratch folder.</summary>
    public static string Temp(string suffix) => Path.Combine(Scratch.Value, Guid.NewGuid().ToString("N")[..10] + suffix);

    /// <summary>The entries of a zip, in order.</summary>
    public static List<(string Name, byte[] Bytes, long Compressed)> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var list = new List<(string, byte[], long)>();
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            list.Add((e.FullName, ms.ToArray(), e.CompressedLength));
        }
        return list;
    }

    /// <summary>Writes a zip with the given entries.</summary>
    public static void Write(string path, IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(bytes);
        }
    }

    /// <summary>Copies an archive, changing entries (return null to drop one).</summary>
    public static string Rewrite(string source, Func<string, byte[], byte[]?> change, params (string Name, byte[] Bytes)[] extra)
    {
        var target = Temp(".keras");
        var entries = new List<(string, byte[])>();
        foreach (var (name, bytes, _) in Entries(source))
            if (change(name, bytes) is { } b) entries.Add((name, b));
        entries.AddRange(extra);
        Write(target, entries);
        return target;
    }

    /// <summary>The config.json of an archive as text.</summary>
    public static string Config(string path) => Encoding.UTF8.GetString(Entries(path).Single(e => e.Name == "config.json").Bytes);

    /// <summary>
    /// A listing of an HDF5 file: <c>G path count</c> per group, <c>A path name</c> per name attribute,
    /// <c>D path (shape) dtype</c> per dataset, sorted.
    /// </summary>
    public static List<string> ListHdf5(byte[] bytes)
    {
        var lines = new List<string>();
        using var file = H5File.Open(new MemoryStream(bytes), leaveOpen: false);
        void Walk(IH5Group g, string path)
        {
            var children = g.Children().ToList();
            if (path.Length > 0) lines.Add($"G {path} {children.Count}");
            if (path.Length > 0 && g.AttributeExists("name")) lines.Add($"A {path} {g.Attribute("name").Read<string>()}");
            foreach (var c in children)
            {
                string p = path.Length == 0 ? c.Name : path + "/" + c.Name;
                if (c is IH5Group cg) Walk(cg, p);
                else if (c is IH5Dataset d)
                {
                    string dtype = (d.Type.Class, d.Type.Size) switch
                    {
                        (H5DataTypeClass.FloatingPoint, 4) => "float32",
                        (H5DataTypeClass.FloatingPoint, 8) => "float64",
                        (H5DataTypeClass.FixedPoint, 4) => "int32",
                        (H5DataTypeClass.FixedPoint, 8) => "int64",
                        var t => t.ToString(),
                    };
                    lines.Add($"D {p} ({string.Join(", ", d.Space.Dimensions)}) {dtype}");
                }
            }
        }
        Walk(file, "");
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>
    /// Copies an HDF5 weights file (groups, <c>name</c> attributes, float32/int32 datasets), letting
    /// <paramref name="reorder"/> change the list of datasets of the group at <paramref name="groupPath"/>.
    /// </summary>
    public static byte[] RewriteHdf5(byte[] bytes, string groupPath, Action<List<H5Dataset>> reorder)
    {
        using var source = H5File.Open(new MemoryStream(bytes), leaveOpen: false);
        var target = new H5File();
        void Copy(IH5Group from, H5Group to, string path)
        {
            if (from.AttributeExists("name")) to.Attributes["name"] = from.Attribute("name").Read<string>();
            var datasets = new List<H5Dataset>();
            foreach (var c in from.Children())
            {
                string p = path.Length == 0 ? c.Name : path + "/" + c.Name;
                if (c is IH5Group g) { var ng = new H5Group(); to[c.Name] = ng; Copy(g, ng, p); }
                else if (c is IH5Dataset d)
                {
                    var dims = d.Space.Dimensions;
                    bool isInt = d.Type.Class == H5DataTypeClass.FixedPoint;
                    datasets.Add(dims.Length == 0
                        ? new H5Dataset(isInt ? d.Read<int>() : (object)d.Read<float>())
                        : new H5Dataset(isInt ? d.Read<int[]>() : (object)d.Read<float[]>(), fileDims: dims));
                }
            }
            if (path == groupPath) reorder(datasets);
            for (int i = 0; i < datasets.Count; i++) to[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = datasets[i];
        }
        Copy(source, target, "");
        var ms = new MemoryStream();
        target.Write(ms);
        return ms.ToArray();
    }

    /// <summary>The same listing parsed from a fixture's <c>*.h5_layout.txt</c> (h5py's view).</summary>
    public static List<string> ParseLayout(string text)
    {
        var lines = new List<string>();
        string? lastGroup = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0 || line.StartsWith("/ ", StringComparison.Ordinal)) continue;
            var g = System.Text.RegularExpressions.Regex.Match(line, @"^(\S+)/\s+\(group, (\d+) members\)");
            if (g.Success) { lastGroup = g.Groups[1].Value; lines.Add($"G {lastGroup} {g.Groups[2].Value}"); continue; }
            var a = System.Text.RegularExpressions.Regex.Match(line, @"^@name = '(.*)'$");
            if (a.Success) { lines.Add($"A {lastGroup} {a.Groups[1].Value}"); continue; }
            var d = System.Text.RegularExpressions.Regex.Match(line, @"^(\S+)\s+\(dataset shape=\(([^)]*)\) dtype=(\w+)");
            if (d.Success)
            {
                var dims = d.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                lines.Add($"D {d.Groups[1].Value} ({string.Join(", ", dims)}) {d.Groups[3].Value}");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}

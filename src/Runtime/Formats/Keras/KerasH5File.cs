using System.Globalization;
using PureHDF;
using PureHDF.VOL.Native;

namespace LayerGen.Formats.Keras;

/// <summary>An array read from (or to be written to) a <c>vars</c> group: its dtype, shape and values.</summary>
internal sealed record StoredArray(DType DType, Shape Shape, Array Values);

/// <summary>
/// The HDF5 side of the format (Keras's <c>H5IOStore</c>), written and read with PureHDF: each object's
/// <c>vars</c> group holds datasets <c>0</c>, <c>1</c>... and a <c>name</c> attribute.
/// </summary>
internal static class KerasH5File
{
    /// <summary>Writes groups (<c>vars</c> paths, names and arrays) as an HDF5 file into <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<(string VarsPath, string Name, IReadOnlyList<StoredArray> Arrays)> groups)
    {
        var file = new H5File();
        foreach (var (varsPath, name, arrays) in groups)
        {
            var group = EnsureGroup(file, varsPath);
            group.Attributes["name"] = name;
            for (int i = 0; i < arrays.Count; i++)
                group[i.ToString(CultureInfo.InvariantCulture)] = ToDataset(arrays[i]);
        }
        file.Write(stream);
    }

    private static H5Group EnsureGroup(H5Group root, string path)
    {
        var g = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (g.TryGetValue(part, out var existing) && existing is H5Group eg) { g = eg; continue; }
            var ng = new H5Group();
            g[part] = ng;
            g = ng;
        }
        return g;
    }

    private static H5Dataset ToDataset(StoredArray a)
    {
        if (a.Shape.Rank == 0)
        {
            object scalar = a.Values switch
            {
                float[] f => (object)f[0],
                double[] d => (object)d[0],
                int[] i => (object)i[0],
                long[] l => (object)l[0],
                _ => throw new KerasFormatException($"Cannot write a {a.DType.Name()} variable."),
            };
            return new H5Dataset(scalar);
        }
        var dims = new ulong[a.Shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = (ulong)a.Shape[i];
        return new H5Dataset(a.Values, fileDims: dims);
    }

    /// <summary>An array from a variable, converted for the file (Keras writes the iteration counter as int32).</summary>
    public static StoredArray FromVariable(Variable v, bool asInt32 = false)
    {
        if (asInt32) return new StoredArray(DType.Int32, v.Shape, Ops.Cast(v, DType.Int32).ToArray<int>());
        return v.DType switch
        {
            DType.Float32 => new StoredArray(v.DType, v.Shape, v.ToArray<float>()),
            DType.Float64 => new StoredArray(v.DType, v.Shape, v.ToArray<double>()),
            DType.Int32 => new StoredArray(v.DType, v.Shape, v.ToArray<int>()),
            DType.Int64 => new StoredArray(v.DType, v.Shape, v.ToArray<long>()),
            _ => new StoredArray(DType.Float32, v.Shape, v.ToFloatArray()),
        };
    }

    /// <summary>A tensor of <paramref name="dtype"/> holding a stored array.</summary>
    public static Tensor ToTensor(StoredArray a, DType dtype)
    {
        Tensor t = a.Values switch
        {
            float[] f => Tensor.From<float>(f, a.Shape),
            double[] d => Tensor.From<double>(d, a.Shape),
            int[] i => Tensor.From<int>(i, a.Shape),
            long[] l => Tensor.From<long>(l, a.Shape),
            _ => throw new KerasFormatException($"Unsupported stored array {a.Values.GetType().Name}."),
        };
        return t.DType == dtype ? t : Ops.Cast(t, dtype);
    }

    /// <summary>An opened weights file.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly NativeFile _file;
        private readonly long _fileLength;
        private readonly string _source;

        /// <summary>
        /// Opens the HDF5 file in <paramref name="stream"/> (seekable, kept open by the caller); <paramref name="source"/>
        /// names it in errors (a path, or an archive and its member).
        /// </summary>
        public Reader(Stream stream, string source)
        {
            _source = source;
            _fileLength = stream.Length - stream.Position;
            try { _file = H5File.Open(stream, leaveOpen: true); }
            catch (Exception e) when (e is not KerasFormatException)
            {
                throw new KerasFormatException(
                    $"The weights file {source} ({_fileLength} bytes) is not a readable HDF5 file: its signature, superblock or root group is missing or damaged. {Reported(e)}", e);
            }
        }

        /// <summary>What the HDF5 reader said, labelled as its words (kept as the inner exception too).</summary>
        private static string Reported(Exception e) => $"(The HDF5 reader reported {e.GetType().Name}: {e.Message})";

        /// <summary>Whether a group exists at <paramref name="path"/>.</summary>
        public bool Exists(string path)
        {
            try
            {
                IH5Group g = _file;
                foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!g.LinkExists(part)) return false;
                    if (g.Get(part) is not IH5Group next) return false;
                    g = next;
                }
                return true;
            }
            catch (Exception e) when (e is not KerasFormatException) { throw Broken(path, e); }
        }

        /// <summary>The paths of every <c>vars</c> group in the file that holds at least one dataset, depth-first.</summary>
        public List<string> VarsGroupsWithDatasets()
        {
            var result = new List<string>();
            try { Collect(_file, "", result); }
            catch (Exception e) when (e is not KerasFormatException) { throw Broken("/", e); }
            return result;
        }

        private static void Collect(IH5Group group, string path, List<string> result)
        {
            foreach (var child in group.Children())
            {
                if (child is not IH5Group sub) continue;
                string childPath = path.Length == 0 ? child.Name : path + "/" + child.Name;
                if (child.Name == "vars") { if (sub.Children().Any()) result.Add(childPath); }
                else Collect(sub, childPath, result);
            }
        }

        /// <summary>The arrays <c>0..n-1</c> of a <c>vars</c> group (empty when the group is missing).</summary>
        public List<StoredArray> ReadVars(string varsPath)
        {
            var result = new List<StoredArray>();
            if (!Exists(varsPath)) return result;
            try
            {
                var g = _file.Group(varsPath);
                int count = g.Children().Count();
                for (int i = 0; i < count; i++)
                {
                    string key = i.ToString(CultureInfo.InvariantCulture);
                    if (!g.LinkExists(key)) throw new KerasFormatException($"The weights file {_source}: group '{varsPath}' has {count} members but no dataset '{key}'.");
                    result.Add(ReadDataset(g.Dataset(key), varsPath + "/" + key));
                }
                return result;
            }
            catch (Exception e) when (e is not KerasFormatException) { throw Broken(varsPath, e); }
        }

        private StoredArray ReadDataset(IH5Dataset ds, string path)
        {
            var dims = ds.Space.Dimensions;
            var type = ds.Type;
            // The declared size is checked against the bytes the file really has before anything is allocated from
            // it: one damaged byte in a dimension or in the element size must not make a small file cost gigabytes.
            var shapeDims = new int[dims.Length];
            ulong n = 1;
            for (int i = 0; i < dims.Length; i++)
            {
                if (dims[i] > int.MaxValue)
                    throw new KerasFormatException($"The weights file {_source} is damaged: dataset '{path}' declares a dimension of {dims[i]}, more than {int.MaxValue}.");
                shapeDims[i] = (int)dims[i];
                n = n == 0 || dims[i] == 0 ? 0 : n > (ulong)_fileLength / dims[i] ? ulong.MaxValue : n * dims[i];
            }
            ulong size = (ulong)type.Size;
            ulong bytes = n == ulong.MaxValue || size == 0 || n > (ulong)_fileLength / size ? ulong.MaxValue : n * size;
            if (bytes > (ulong)_fileLength)
                throw new KerasFormatException(
                    $"The weights file {_source} is damaged: dataset '{path}' declares shape [{string.Join(", ", dims)}] of {type.Size}-byte elements ({(bytes == ulong.MaxValue ? "more than the file" : $"{bytes} bytes")}), " +
                    $"but the whole file is {_fileLength} bytes.");
            var shape = new Shape(shapeDims);
            switch (type.Class)
            {
                case H5DataTypeClass.FloatingPoint when type.Size == 4: return new(DType.Float32, shape, Check(ds.Read<float[]>(), n, path));
                case H5DataTypeClass.FloatingPoint when type.Size == 8: return new(DType.Float64, shape, Check(ds.Read<double[]>(), n, path));
                case H5DataTypeClass.FixedPoint when type.Size == 4: return new(DType.Int32, shape, Check(ds.Read<int[]>(), n, path));
                case H5DataTypeClass.FixedPoint when type.Size == 8: return new(DType.Int64, shape, Check(ds.Read<long[]>(), n, path));
                default: throw new KerasFormatException($"The weights file {_source}: dataset '{path}' has an unsupported type ({type.Class}, {type.Size} bytes).");
            }
        }

        private Array Check(Array values, ulong n, string path)
            => (ulong)values.LongLength == n ? values : throw new KerasFormatException($"The weights file {_source} is damaged: dataset '{path}' holds {values.LongLength} values for {n} elements.");

        private KerasFormatException Broken(string path, Exception e)
            => new($"The weights file {_source} is damaged: the HDF5 group or dataset at '{path}' (or a structure leading to it) cannot be read. {Reported(e)}", e);

        /// <inheritdoc/>
        public void Dispose() => _file.Dispose();
    }
}

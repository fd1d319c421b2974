using System.Globalization;

namespace LayerGen.Formats.Keras;

/// <summary>An array read from (or to be written to) a <c>vars</c> group: its dtype, shape and values.</summary>
internal sealed record StoredArray(DType DType, Shape Shape, Array Values);

/// <summary>
/// The HDF5 side of the format (Keras's <c>H5IOStore</c>), written by <see cref="Hdf5Writer"/> and read by
/// <see cref="Hdf5Reader"/> (LayerGen's own subset of HDF5: no reflection, so it works trimmed and under NativeAOT):
/// each object's <c>vars</c> group holds datasets <c>0</c>, <c>1</c>... and a <c>name</c> attribute.
/// </summary>
internal static class KerasH5File
{
    /// <summary>Writes groups (<c>vars</c> paths, names and arrays) as an HDF5 file into <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<(string VarsPath, string Name, IReadOnlyList<StoredArray> Arrays)> groups)
    {
        var root = new Hdf5Node();
        foreach (var (varsPath, name, arrays) in groups)
        {
            var group = root;
            foreach (var part in varsPath.Split('/', StringSplitOptions.RemoveEmptyEntries)) group = group.Group(part);
            group.NameAttribute = name;
            for (int i = 0; i < arrays.Count; i++)
                group.Members.Add(new(i.ToString(CultureInfo.InvariantCulture), arrays[i]));
        }
        Hdf5Writer.Write(root, stream);
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
        private readonly Hdf5Reader _file;
        private readonly string _source;

        /// <summary>
        /// Reads the HDF5 file in <paramref name="stream"/> from its position to its end (the stream is seekable and kept
        /// open by the caller); <paramref name="source"/> names it in errors (a path, or an archive and its member).
        /// </summary>
        public Reader(Stream stream, string source)
        {
            _source = source;
            _file = new Hdf5Reader(Bytes(stream, source), source);
        }

        /// <summary>The stream's bytes from its position: a whole-array memory stream's own buffer, else a copy of its real length.</summary>
        private static byte[] Bytes(Stream stream, string source)
        {
            if (stream is MemoryStream ms && stream.Position == 0 && ms.TryGetBuffer(out var segment)
                && segment.Offset == 0 && segment.Array is { } array && array.Length == ms.Length)
                return array;
            long length = stream.Length - stream.Position;
            if (length > Array.MaxLength)
                throw new KerasFormatException($"The weights file {source} is {length} bytes, more than one array can hold.");
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }

        private long Find(string path)
        {
            long at = _file.RootAddress;
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!_file.IsGroup(at)) return -1;
                at = _file.Member(at, part);
                if (at < 0) return -1;
            }
            return at;
        }

        /// <summary>Whether a group exists at <paramref name="path"/>.</summary>
        public bool Exists(string path)
        {
            long at = Find(path);
            return at >= 0 && _file.IsGroup(at);
        }

        /// <summary>The paths of every <c>vars</c> group in the file that holds at least one member, depth-first.</summary>
        public List<string> VarsGroupsWithDatasets()
        {
            var result = new List<string>();
            Collect(_file.RootAddress, "", result, [_file.RootAddress]);
            return result;
        }

        private void Collect(long group, string path, List<string> result, HashSet<long> onPath)
        {
            foreach (var (name, child) in _file.Members(group))
            {
                if (!_file.IsGroup(child)) continue;
                if (!onPath.Add(child))
                    throw new KerasFormatException($"The weights file {_source} is damaged: group '{path}/{name}' contains itself.");
                string childPath = path.Length == 0 ? name : path + "/" + name;
                if (name == "vars") { if (_file.Members(child).Count > 0) result.Add(childPath); }
                else Collect(child, childPath, result, onPath);
                onPath.Remove(child);
            }
        }

        /// <summary>The arrays <c>0..n-1</c> of a <c>vars</c> group (empty when the group is missing).</summary>
        public List<StoredArray> ReadVars(string varsPath)
        {
            var result = new List<StoredArray>();
            long group = Find(varsPath);
            if (group < 0 || !_file.IsGroup(group)) return result;
            int count = _file.Members(group).Count;
            for (int i = 0; i < count; i++)
            {
                string key = i.ToString(CultureInfo.InvariantCulture);
                long at = _file.Member(group, key);
                if (at < 0 || !_file.IsDataset(at))
                    throw new KerasFormatException($"The weights file {_source}: group '{varsPath}' has {count} members but no dataset '{key}'.");
                result.Add(_file.ReadDataset(at, varsPath + "/" + key));
            }
            return result;
        }

        /// <inheritdoc/>
        public void Dispose() { }
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using LayerGen.Formats.Keras;

namespace LayerGen.Formats;

/// <summary>
/// Reads the subset of HDF5 that Keras weights files use, from the file's bytes, with no reflection or runtime code
/// generation: superblocks version 0 to 3; object headers version 1 and 2 (with continuation blocks); groups stored as
/// symbol tables (version 1 B-tree, local heap, symbol table nodes: what h5py writes by default) or as compact link
/// messages (what HDF5 1.8+ and LayerGen write); datasets of float32/float64/int32/int64 in either byte order, stored
/// contiguously or compactly. Dense link storage, chunked or filtered datasets and shared messages are refused by
/// name. Every size, count and address read from the file is checked against the file's real length before it is used
/// or allocated from, so a damaged file costs no more memory than its own size; damage is a
/// <see cref="KerasFormatException"/> naming the file and the byte offset.
/// </summary>
internal sealed class Hdf5Reader
{
    private const ulong Undefined = ulong.MaxValue;
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
    /// <summary>At most this many messages, links and B-tree nodes are parsed in one file: a damaged file cannot loop.</summary>
    private const int WorkLimit = 10_000_000;

    private readonly byte[] _file;
    private readonly string _source;
    private readonly long _base;
    private readonly Dictionary<long, List<Message>> _headers = [];
    private readonly Dictionary<long, List<KeyValuePair<string, long>>> _links = [];
    private readonly Dictionary<long, Dictionary<string, long>> _byName = [];
    private int _work;

    /// <summary>A message of an object header: its type, flags and where its body lies in the file.</summary>
    private readonly record struct Message(int Type, int Flags, long Offset, int Length);

    /// <summary>Parses the superblock of the HDF5 file <paramref name="file"/>; <paramref name="source"/> names it in errors.</summary>
    public Hdf5Reader(byte[] file, string source)
    {
        _file = file;
        _source = source;
        long at = -1;
        for (long p = 0; p + 8 <= file.Length; p = p == 0 ? 512 : p * 2)
            if (file.AsSpan((int)p, 8).SequenceEqual(Signature)) { at = p; break; }
        if (at < 0) throw Damaged(0, "the HDF5 signature is not there (not an HDF5 file, or truncated)");
        int version = U8(at + 8);
        long p2;
        if (version is 0 or 1)
        {
            if (U8(at + 13) != 8 || U8(at + 14) != 8)
                throw Damaged(at + 13, $"offsets of {U8(at + 13)} bytes and lengths of {U8(at + 14)} bytes are not supported (only 8 and 8)");
            p2 = at + (version == 0 ? 24 : 28);
            _base = (long)Address(p2, relative: false);
            // base, free-space info, end of file, driver info; then the root group's symbol table entry.
            long rootEntry = p2 + 32;
            RootAddress = (long)Address(rootEntry + 8);
        }
        else if (version is 2 or 3)
        {
            if (U8(at + 9) != 8 || U8(at + 10) != 8)
                throw Damaged(at + 9, $"offsets of {U8(at + 9)} bytes and lengths of {U8(at + 10)} bytes are not supported (only 8 and 8)");
            Need(at, 48, "superblock");
            if (Hdf5Checksum.Compute(_file.AsSpan((int)at, 44)) != BinaryPrimitives.ReadUInt32LittleEndian(_file.AsSpan((int)at + 44)))
                throw Damaged(at, "the superblock's checksum does not match");
            _base = (long)Address(at + 12, relative: false);
            RootAddress = (long)Address(at + 36);
        }
        else throw Damaged(at + 8, $"superblock version {version} is not supported");
        if (!IsGroup(RootAddress)) throw Damaged(RootAddress, "the root object is not a group");
    }

    /// <summary>The root group's object header address.</summary>
    public long RootAddress { get; }

    /// <summary>Whether the object at <paramref name="address"/> is a group.</summary>
    public bool IsGroup(long address)
    {
        foreach (var m in Messages(address))
            if (m.Type is 0x11 or 0x02 or 0x06) return true;
        return false;
    }

    /// <summary>Whether the object at <paramref name="address"/> is a dataset.</summary>
    public bool IsDataset(long address)
    {
        foreach (var m in Messages(address))
            if (m.Type == 0x08) return true;
        return false;
    }

    /// <summary>The group's members (name and object header address), in the file's order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Members(long group)
    {
        if (_links.TryGetValue(group, out var cached)) return cached;
        var links = new List<KeyValuePair<string, long>>();
        foreach (var m in Messages(group))
        {
            switch (m.Type)
            {
                case 0x11: // symbol table: a version 1 B-tree of symbol table nodes, names in a local heap
                    SymbolTable(m, links);
                    break;
                case 0x02: // link info: compact links unless a fractal heap is given
                    if (m.Length < 18) throw Damaged(m.Offset, "a link info message is truncated");
                    int flags = U8(m.Offset + 1);
                    long heapField = m.Offset + 2 + ((flags & 1) != 0 ? 8 : 0);
                    if (BinaryPrimitives.ReadUInt64LittleEndian(Span(heapField, 8)) != Undefined)
                        throw Unsupported(m.Offset, "a group stores its links densely (in a fractal heap, as libhdf5 does with libver='latest' for large groups); save the file with h5py's default settings");
                    break;
                case 0x06:
                    links.Add(Link(m));
                    break;
            }
        }
        _links[group] = links;
        return links;
    }

    /// <summary>The member <paramref name="name"/> of <paramref name="group"/>, or -1.</summary>
    public long Member(long group, string name)
    {
        if (!_byName.TryGetValue(group, out var byName))
        {
            byName = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (n, address) in Members(group)) byName.TryAdd(n, address);
            _byName[group] = byName;
        }
        return byName.TryGetValue(name, out var found) ? found : -1;
    }

    /// <summary>
    /// A dataset's dtype, shape and values. The declared element count times the element size must fit the bytes the
    /// dataset's storage really has in the file before anything is allocated.
    /// </summary>
    public StoredArray ReadDataset(long address, string path)
    {
        Message? space = null, type = null, layout = null;
        foreach (var m in Messages(address))
        {
            if ((m.Flags & 0x02) != 0 && m.Type is 0x01 or 0x03 or 0x08)
                throw Unsupported(m.Offset, $"dataset '{path}' uses a shared (committed) message");
            switch (m.Type)
            {
                case 0x01: space = m; break;
                case 0x03: type = m; break;
                case 0x08: layout = m; break;
                case 0x0B: throw Unsupported(m.Offset, $"dataset '{path}' has a filter pipeline (compression); Keras writes plain datasets");
            }
        }
        if (space is null || type is null || layout is null)
            throw Damaged(address, $"'{path}' is not a dataset (its dataspace, datatype or layout message is missing)");

        var dims = Dimensions(space.Value, path);
        var (dtype, size, bigEndian) = ElementType(type.Value, path);
        ulong count = 1;
        foreach (var d in dims)
        {
            if (d > int.MaxValue) throw Damaged(space.Value.Offset, $"dataset '{path}' declares a dimension of {d}, more than {int.MaxValue}");
            count = d == 0 || count == 0 ? 0 : count > (ulong)_file.Length / d ? ulong.MaxValue : count * d;
        }
        ulong bytes = count > (ulong)_file.Length / (ulong)size ? ulong.MaxValue : count * (ulong)size;
        var (dataOffset, dataLength) = Storage(layout.Value, path);
        if (bytes > (ulong)_file.Length)
            throw Damaged(space.Value.Offset, $"dataset '{path}' declares shape [{string.Join(", ", dims)}] of {size}-byte elements ({(bytes == ulong.MaxValue ? "more than the file" : $"{bytes} bytes")}), but the whole file is {_file.Length} bytes");
        if (dataOffset >= 0 && dataLength < bytes)
            throw Damaged(layout.Value.Offset, $"dataset '{path}' needs {bytes} bytes for shape [{string.Join(", ", dims)}], but its storage holds {dataLength}");

        var shape = new Shape(dims.Select(d => (int)d).ToArray());
        int n = (int)count;
        Array values = dtype switch
        {
            DType.Float32 => new float[n],
            DType.Float64 => new double[n],
            DType.Int32 => new int[n],
            _ => new long[n],
        };
        if (dataOffset >= 0 && n > 0)
        {
            var target = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(values), (int)bytes);
            Span(dataOffset, (int)bytes).CopyTo(target);
            if (bigEndian != !BitConverter.IsLittleEndian)
                for (int i = 0; i < target.Length; i += size) target.Slice(i, size).Reverse();
        }
        return new StoredArray(dtype, shape, values);
    }

    // ------------------------------------------------------------------ datasets

    private ulong[] Dimensions(Message m, string path)
    {
        int version = U8(m.Offset), rank = U8(m.Offset + 1);
        long dimsAt;
        if (version == 1) dimsAt = m.Offset + 8;
        else if (version == 2)
        {
            int kind = U8(m.Offset + 3);
            if (kind == 2) throw Unsupported(m.Offset, $"dataset '{path}' has a null dataspace (no elements at all)");
            dimsAt = m.Offset + 4;
        }
        else throw Unsupported(m.Offset, $"dataset '{path}' has dataspace version {version}");
        if (rank > 32) throw Damaged(m.Offset, $"dataset '{path}' declares rank {rank}, more than HDF5's 32");
        if (dimsAt + 8L * rank > m.Offset + m.Length) throw Damaged(m.Offset, $"dataset '{path}''s dataspace message is shorter than its {rank} dimensions");
        var dims = new ulong[rank];
        for (int i = 0; i < rank; i++) dims[i] = BinaryPrimitives.ReadUInt64LittleEndian(Span(dimsAt + 8L * i, 8));
        return dims;
    }

    private (DType DType, int Size, bool BigEndian) ElementType(Message m, string path)
    {
        if (m.Length < 8) throw Damaged(m.Offset, $"dataset '{path}''s datatype message is truncated");
        int cls = U8(m.Offset) & 0x0F, bits = U8(m.Offset + 1);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(Span(m.Offset + 4, 4));
        switch (cls)
        {
            case 0 when size is 4 or 8: // fixed-point
                return (size == 4 ? DType.Int32 : DType.Int64, (int)size, (bits & 1) != 0);
            case 1 when size is 4 or 8 && (bits & 0x40) == 0: // IEEE floating point (not VAX order)
                return (size == 4 ? DType.Float32 : DType.Float64, (int)size, (bits & 1) != 0);
            default:
                throw new KerasFormatException($"The weights file {_source}: dataset '{path}' has an unsupported type (HDF5 class {cls}, {size} bytes); LayerGen reads float32, float64, int32 and int64.");
        }
    }

    /// <summary>Where the dataset's bytes lie: (offset, length), or (-1, 0) when its storage was never allocated (all fill).</summary>
    private (long Offset, ulong Length) Storage(Message m, string path)
    {
        int version = U8(m.Offset);
        if (version is not (3 or 4)) throw Unsupported(m.Offset, $"dataset '{path}' has data layout version {version} (LayerGen reads 3 and 4)");
        int cls = U8(m.Offset + 1);
        switch (cls)
        {
            case 0: // compact: the data is in the message
            {
                int size = BinaryPrimitives.ReadUInt16LittleEndian(Span(m.Offset + 2, 2));
                if (4 + size > m.Length) throw Damaged(m.Offset, $"dataset '{path}''s compact data runs past its layout message");
                return (m.Offset + 4, (ulong)size);
            }
            case 1: // contiguous
            {
                if (m.Length < 18) throw Damaged(m.Offset, $"dataset '{path}''s layout message is truncated");
                ulong address = BinaryPrimitives.ReadUInt64LittleEndian(Span(m.Offset + 2, 8));
                ulong size = BinaryPrimitives.ReadUInt64LittleEndian(Span(m.Offset + 10, 8));
                if (address == Undefined) return (-1, 0);
                ulong absolute = address + (ulong)_base;
                if (absolute > (ulong)_file.Length || size > (ulong)_file.Length - absolute)
                    throw Damaged(m.Offset, $"dataset '{path}''s data at byte {address} ({size} bytes) runs past the end of the file ({_file.Length} bytes)");
                return ((long)absolute, size);
            }
            default:
                throw Unsupported(m.Offset, $"dataset '{path}' is stored {(cls == 2 ? "in chunks" : $"with layout class {cls}")}; Keras writes contiguous datasets");
        }
    }

    // ------------------------------------------------------------------ groups

    private void SymbolTable(Message m, List<KeyValuePair<string, long>> links)
    {
        if (m.Length < 16) throw Damaged(m.Offset, "a symbol table message is truncated");
        long btree = (long)Address(m.Offset);
        long heap = (long)Address(m.Offset + 8);
        Need(heap, 32, "local heap");
        if (!Span(heap, 4).SequenceEqual("HEAP"u8)) throw Damaged(heap, "a group's local heap has no HEAP signature");
        ulong dataSize = BinaryPrimitives.ReadUInt64LittleEndian(Span(heap + 8, 8));
        long data = (long)Address(heap + 24);
        if (dataSize > (ulong)(_file.Length - data)) throw Damaged(heap, $"the local heap's data ({dataSize} bytes at {data}) runs past the end of the file");
        var visited = new HashSet<long>();
        Walk(btree, data, (long)dataSize, links, visited, depth: 0);
    }

    private void Walk(long node, long heapData, long heapSize, List<KeyValuePair<string, long>> links, HashSet<long> visited, int depth)
    {
        if (depth > 64 || !visited.Add(node)) throw Damaged(node, "a group's B-tree loops or is deeper than 64 levels");
        Need(node, 24, "group B-tree node");
        if (!Span(node, 4).SequenceEqual("TREE"u8)) throw Damaged(node, "a group's B-tree node has no TREE signature");
        if (U8(node + 4) != 0) throw Damaged(node, "a group's B-tree is not a group B-tree (node type is not 0)");
        int level = U8(node + 5);
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(Span(node + 6, 2));
        Need(node + 24, 16L * entries + 8, "group B-tree node entries");
        for (int i = 0; i < entries; i++)
        {
            Work(node);
            long child = (long)Address(node + 24 + 16L * i + 8);
            if (level > 0) Walk(child, heapData, heapSize, links, visited, depth + 1);
            else SymbolNode(child, heapData, heapSize, links, visited);
        }
    }

    private void SymbolNode(long node, long heapData, long heapSize, List<KeyValuePair<string, long>> links, HashSet<long> visited)
    {
        if (!visited.Add(node)) throw Damaged(node, "a symbol table node is listed twice");
        Need(node, 8, "symbol table node");
        if (!Span(node, 4).SequenceEqual("SNOD"u8)) throw Damaged(node, "a symbol table node has no SNOD signature");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(Span(node + 6, 2));
        Need(node + 8, 40L * count, "symbol table entries");
        for (int i = 0; i < count; i++)
        {
            Work(node);
            long entry = node + 8 + 40L * i;
            ulong nameOffset = BinaryPrimitives.ReadUInt64LittleEndian(Span(entry, 8));
            if (nameOffset >= (ulong)heapSize) throw Damaged(entry, $"a link name offset {nameOffset} lies outside the local heap ({heapSize} bytes)");
            var rest = Span(heapData + (long)nameOffset, (int)(heapSize - (long)nameOffset));
            int end = rest.IndexOf((byte)0);
            if (end < 0) throw Damaged(entry, "a link name in the local heap is not terminated");
            links.Add(new(Name(rest[..end], entry), (long)Address(entry + 8)));
        }
    }

    private KeyValuePair<string, long> Link(Message m)
    {
        long p = m.Offset, end = m.Offset + m.Length;
        if (m.Length < 3 || U8(p) != 1) throw Damaged(p, "a link message is truncated or of an unknown version");
        int flags = U8(p + 1);
        p += 2;
        int linkType = 0;
        if ((flags & 0x08) != 0) linkType = U8(p++);
        if ((flags & 0x04) != 0) p += 8;
        if ((flags & 0x10) != 0) p++;
        int lengthSize = 1 << (flags & 3);
        if (p + lengthSize > end) throw Damaged(m.Offset, "a link message is truncated");
        ulong length = lengthSize switch
        {
            1 => (ulong)U8(p),
            2 => BinaryPrimitives.ReadUInt16LittleEndian(Span(p, 2)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(Span(p, 4)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(Span(p, 8)),
        };
        p += lengthSize;
        if (length == 0 || length > (ulong)(end - p)) throw Damaged(m.Offset, $"a link name of {length} bytes does not fit its {m.Length}-byte message");
        var name = Name(Span(p, (int)length), m.Offset);
        p += (long)length;
        if (linkType != 0) throw Unsupported(m.Offset, $"'{name}' is a soft or external link; Keras writes hard links only");
        if (p + 8 > end) throw Damaged(m.Offset, "a hard link's address is missing");
        return new(name, (long)Address(p));
    }

    private string Name(ReadOnlySpan<byte> bytes, long at)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw Damaged(at, "a link name is not valid UTF-8");
        return Encoding.UTF8.GetString(bytes);
    }

    // ------------------------------------------------------------------ object headers

    private List<Message> Messages(long address)
    {
        if (_headers.TryGetValue(address, out var cached)) return cached;
        var messages = new List<Message>();
        Need(address, 16, "object header");
        var blocks = new Queue<(long Start, long End, int Version)>();
        var seen = new HashSet<long> { address };
        int remaining = int.MaxValue;
        if (Span(address, 4).SequenceEqual("OHDR"u8))
        {
            if (U8(address + 4) != 2) throw Unsupported(address, $"object header version {U8(address + 4)}");
            int flags = U8(address + 5);
            long p = address + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
            int sizeBytes = 1 << (flags & 3);
            Need(p, sizeBytes, "object header");
            ulong size = sizeBytes switch
            {
                1 => (ulong)U8(p),
                2 => BinaryPrimitives.ReadUInt16LittleEndian(Span(p, 2)),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(Span(p, 4)),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(Span(p, 8)),
            };
            p += sizeBytes;
            if (size > (ulong)(_file.Length - p - 4)) throw Damaged(address, $"the object header's first chunk ({size} bytes) runs past the end of the file");
            CheckSum(address, p + (long)size - address);
            blocks.Enqueue((p, p + (long)size, 2));
            ReadBlocks(blocks, messages, seen, (flags & 0x04) != 0, ref remaining);
        }
        else
        {
            if (U8(address) != 1) throw Damaged(address, $"no object header here (version byte {U8(address)})");
            remaining = BinaryPrimitives.ReadUInt16LittleEndian(Span(address + 2, 2));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(Span(address + 8, 4));
            long start = address + 16;
            if (size > (ulong)(_file.Length - start)) throw Damaged(address, $"the object header ({size} bytes) runs past the end of the file");
            blocks.Enqueue((start, start + size, 1));
            ReadBlocks(blocks, messages, seen, false, ref remaining);
        }
        _headers[address] = messages;
        return messages;
    }

    private void ReadBlocks(Queue<(long Start, long End, int Version)> blocks, List<Message> messages, HashSet<long> seen, bool creationOrder, ref int remaining)
    {
        while (blocks.Count > 0 && remaining > 0)
        {
            var (p, end, version) = blocks.Dequeue();
            int headerSize = version == 1 ? 8 : 4 + (creationOrder ? 2 : 0);
            while (p + headerSize <= end && remaining > 0)
            {
                Work(p);
                int type = version == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(Span(p, 2)) : U8(p);
                int size = BinaryPrimitives.ReadUInt16LittleEndian(Span(p + (version == 1 ? 2 : 1), 2));
                int flags = U8(p + (version == 1 ? 4 : 3));
                long body = p + headerSize;
                if (size > end - body) throw Damaged(p, $"an object header message ({size} bytes) runs past its block");
                if (type == 0x10) // continuation
                {
                    if (size < 16) throw Damaged(p, "a continuation message is truncated");
                    long at = (long)Address(body);
                    ulong length = BinaryPrimitives.ReadUInt64LittleEndian(Span(body + 8, 8));
                    if (!seen.Add(at)) throw Damaged(p, "object header continuations loop");
                    if (length > (ulong)(_file.Length - at)) throw Damaged(p, $"a continuation block ({length} bytes at {at}) runs past the end of the file");
                    if (version == 2)
                    {
                        if (length < 8 || !Span(at, 4).SequenceEqual("OCHK"u8)) throw Damaged(at, "a continuation block has no OCHK signature");
                        CheckSum(at, (long)length - 4);
                        blocks.Enqueue((at + 4, at + (long)length - 4, 2));
                    }
                    else blocks.Enqueue((at, at + (long)length, 1));
                }
                else if (type != 0) messages.Add(new Message(type, flags, body, size));
                p = body + size;
                if (version == 1) remaining--;
            }
        }
    }

    private void CheckSum(long start, long length)
    {
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(Span(start + length, 4));
        if (Hdf5Checksum.Compute(Span(start, (int)length)) != stored)
            throw Damaged(start, "an object header's checksum does not match (the header is damaged)");
    }

    // ------------------------------------------------------------------ bytes

    private void Work(long at)
    {
        if (++_work > WorkLimit) throw Damaged(at, $"more than {WorkLimit} header messages, links and tree entries (the structure loops)");
    }

    private ulong Address(long at, bool relative = true)
    {
        ulong a = BinaryPrimitives.ReadUInt64LittleEndian(Span(at, 8));
        if (!relative) return a;
        if (a == Undefined || a > (ulong)_file.Length || (ulong)_base > (ulong)_file.Length - a)
            throw Damaged(at, $"the address {(a == Undefined ? "(undefined)" : a.ToString(System.Globalization.CultureInfo.InvariantCulture))} lies outside the file ({_file.Length} bytes)");
        return a + (ulong)_base;
    }

    private int U8(long at) => Span(at, 1)[0];

    private ReadOnlySpan<byte> Span(long at, int length)
    {
        Need(at, length, "structure");
        return _file.AsSpan((int)at, length);
    }

    private void Need(long at, long length, string what)
    {
        if (at < 0 || length < 0 || at > _file.Length || length > _file.Length - at)
            throw Damaged(at, $"a {what} of {length} bytes at byte {at} runs past the end of the file ({_file.Length} bytes)");
    }

    private KerasFormatException Damaged(long at, string what)
        => new($"The weights file {_source} is damaged or truncated: {what} (at byte {at}).");

    private KerasFormatException Unsupported(long at, string what)
        => new($"The weights file {_source} uses an HDF5 feature LayerGen does not read: {what} (at byte {at}).");
}

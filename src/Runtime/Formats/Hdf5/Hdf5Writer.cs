using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using LayerGen.Formats.Keras;

namespace LayerGen.Formats;

/// <summary>
/// Writes the small subset of HDF5 that Keras weights files need, with no reflection or runtime code generation (so it
/// works under trimming and NativeAOT): a version 2 superblock, version 2 object headers, groups whose links are stored
/// compactly in the header (Link Info, Group Info and Link messages, as HDF5 1.8+ writes small groups), contiguous
/// little-endian float32/float64/int32/int64 datasets (scalar or any rank), and a group's <c>name</c> attribute as a
/// variable-length UTF-8 string in one global heap, as h5py writes it. The layout follows the HDF5 File Format
/// Specification version 3.0; h5py (libhdf5) reads the result, which the tests check.
/// </summary>
internal static class Hdf5Writer
{
    private const ulong Undefined = ulong.MaxValue;
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
    private const int SuperblockSize = 48;

    /// <summary>Writes the file for the tree under <paramref name="root"/> into <paramref name="target"/>.</summary>
    public static void Write(Hdf5Node root, Stream target)
    {
        var file = new MemoryStream();
        file.Write(new byte[SuperblockSize]);
        // Every name attribute's string goes into one global heap collection, written first.
        var names = new List<Hdf5Node>();
        Collect(root, names);
        var heapIndex = new Dictionary<Hdf5Node, (ulong Collection, ushort Index, int Length)>(ReferenceEqualityComparer.Instance);
        if (names.Count > 0)
        {
            if (names.Count > ushort.MaxValue) throw new InvalidOperationException("More than 65535 named groups do not fit one global heap collection.");
            ulong address = (ulong)file.Length;
            var heap = new MemoryStream();
            heap.Write("GCOL"u8);
            heap.Write([1, 0, 0, 0]);
            heap.Write(new byte[8]); // collection size, patched below
            for (int i = 0; i < names.Count; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(names[i].NameAttribute!);
                WriteU16(heap, (ushort)(i + 1));
                WriteU16(heap, 1); // reference count
                heap.Write(new byte[4]);
                WriteU64(heap, (ulong)bytes.Length);
                heap.Write(bytes);
                heap.Write(new byte[Pad8(bytes.Length) - bytes.Length]);
                heapIndex[names[i]] = (address, (ushort)(i + 1), bytes.Length);
            }
            // libhdf5 makes collections at least 4096 bytes; the rest is the free-space object (index 0), whose size
            // counts its own 16-byte header.
            long used = heap.Length;
            long size = Math.Max(4096, Pad8((int)used + 16));
            WriteU16(heap, 0);
            WriteU16(heap, 0);
            heap.Write(new byte[4]);
            WriteU64(heap, (ulong)(size - used));
            heap.Write(new byte[size - heap.Length]);
            var buffer = heap.GetBuffer();
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(8), (ulong)size);
            file.Write(buffer, 0, (int)heap.Length);
        }

        ulong rootAddress = WriteGroup(file, root, heapIndex);
        long length = file.Length;
        var sb = file.GetBuffer().AsSpan(0, SuperblockSize);
        Signature.CopyTo(sb);
        sb[8] = 2;  // superblock version
        sb[9] = 8;  // size of offsets
        sb[10] = 8; // size of lengths
        sb[11] = 0; // file consistency flags
        BinaryPrimitives.WriteUInt64LittleEndian(sb[12..], 0);                    // base address
        BinaryPrimitives.WriteUInt64LittleEndian(sb[20..], Undefined);            // superblock extension
        BinaryPrimitives.WriteUInt64LittleEndian(sb[28..], (ulong)length);        // end of file
        BinaryPrimitives.WriteUInt64LittleEndian(sb[36..], rootAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[44..], Hdf5Checksum.Compute(sb[..44]));
        target.Write(file.GetBuffer(), 0, checked((int)length));
    }

    private static void Collect(Hdf5Node group, List<Hdf5Node> named)
    {
        if (group.NameAttribute is not null) named.Add(group);
        foreach (var (_, member) in group.Members)
            if (member is Hdf5Node g) Collect(g, named);
    }

    private static int Pad8(int n) => (n + 7) & ~7;

    /// <summary>Writes the members first (their addresses go into the links), then the group's object header.</summary>
    private static ulong WriteGroup(MemoryStream file, Hdf5Node group, Dictionary<Hdf5Node, (ulong Collection, ushort Index, int Length)> heap)
    {
        var links = new List<(string Name, ulong Address)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, member) in group.Members)
        {
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name == "." || !seen.Add(name))
                throw new ArgumentException($"'{name}' cannot name an HDF5 group member (empty, contains '/', or used twice).");
            links.Add((name, member switch
            {
                Hdf5Node g => WriteGroup(file, g, heap),
                StoredArray a => WriteDataset(file, a),
                _ => throw new ArgumentException($"Member '{name}' is neither a group nor a dataset."),
            }));
        }

        var messages = new MemoryStream();
        // Link Info: no creation order, no dense storage (both addresses undefined).
        Message(messages, 0x02, 0, m => { m.WriteByte(0); m.WriteByte(0); WriteU64(m, Undefined); WriteU64(m, Undefined); });
        // Group Info: default thresholds (libhdf5 needs the message to add links later).
        Message(messages, 0x0A, 0, m => { m.WriteByte(0); m.WriteByte(0); });
        if (group.NameAttribute is not null)
        {
            var (collection, index, length) = heap[group];
            Message(messages, 0x0C, 0, m =>
            {
                var datatype = VariableLengthUtf8String();
                m.WriteByte(3); // attribute message version 3
                m.WriteByte(0);
                WriteU16(m, 5); // "name" and its terminator
                WriteU16(m, (ushort)datatype.Length);
                WriteU16(m, 4);
                m.WriteByte(0); // name encoding ASCII
                m.Write("name\0"u8);
                m.Write(datatype);
                m.Write([2, 0, 0, 0]); // dataspace version 2, scalar
                WriteU32(m, (uint)length);
                WriteU64(m, collection);
                WriteU32(m, index);
            });
        }
        foreach (var (name, address) in links)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            byte sizeBits = bytes.Length <= byte.MaxValue ? (byte)0 : (byte)1;
            Message(messages, 0x06, 0, m =>
            {
                m.WriteByte(1);                         // link message version 1
                m.WriteByte((byte)(sizeBits | 0x10));   // name length size, character set present
                m.WriteByte(1);                         // UTF-8
                if (sizeBits == 0) m.WriteByte((byte)bytes.Length); else WriteU16(m, checked((ushort)bytes.Length));
                m.Write(bytes);
                WriteU64(m, address);                   // a hard link
            });
        }
        return WriteObjectHeader(file, messages);
    }

    private static ulong WriteDataset(MemoryStream file, StoredArray array)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The HDF5 writer writes little-endian hosts' bytes.");
        var data = Bytes(array.Values);
        ulong dataLength = (ulong)data.Length;
        ulong dataAddress = data.Length == 0 ? Undefined : (ulong)file.Length;
        file.Write(data);

        var messages = new MemoryStream();
        int rank = array.Shape.Rank;
        Message(messages, 0x01, 0, m =>
        {
            m.WriteByte(2);                           // dataspace version 2
            m.WriteByte((byte)rank);
            m.WriteByte(0);                           // no maximum dimensions
            m.WriteByte(rank == 0 ? (byte)0 : (byte)1); // scalar or simple
            for (int i = 0; i < rank; i++) WriteU64(m, (ulong)array.Shape[i]);
        });
        Message(messages, 0x03, 1, m => m.Write(Datatype(array)));
        // Fill value version 3: allocation late, fill written if set, no value defined.
        Message(messages, 0x05, 1, m => { m.WriteByte(3); m.WriteByte(0x0A); });
        Message(messages, 0x08, 0, m =>
        {
            m.WriteByte(3); // layout version 3
            m.WriteByte(1); // contiguous
            WriteU64(m, dataAddress);
            WriteU64(m, dataLength);
        });
        return WriteObjectHeader(file, messages);
    }

    private static ReadOnlySpan<byte> Bytes(Array values) => values switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        _ => throw new ArgumentException($"Cannot write {values.GetType().Name} to HDF5."),
    };

    /// <summary>The datatype message of the array's element type (IEEE little-endian floats, signed little-endian integers).</summary>
    private static byte[] Datatype(StoredArray array)
    {
        var m = new MemoryStream();
        switch (array.Values)
        {
            case float[]:
                m.Write([0x11, 0x20, 31, 0]); WriteU32(m, 4);
                WriteU16(m, 0); WriteU16(m, 32); m.Write([23, 8, 0, 23]); WriteU32(m, 127);
                break;
            case double[]:
                m.Write([0x11, 0x20, 63, 0]); WriteU32(m, 8);
                WriteU16(m, 0); WriteU16(m, 64); m.Write([52, 11, 0, 52]); WriteU32(m, 1023);
                break;
            case int[]:
                m.Write([0x10, 0x08, 0, 0]); WriteU32(m, 4); WriteU16(m, 0); WriteU16(m, 32);
                break;
            case long[]:
                m.Write([0x10, 0x08, 0, 0]); WriteU32(m, 8); WriteU16(m, 0); WriteU16(m, 64);
                break;
            default:
                throw new ArgumentException($"Cannot write {array.Values.GetType().Name} to HDF5.");
        }
        return m.ToArray();
    }

    /// <summary>h5py's string type: variable-length, null-terminated, UTF-8, over unsigned bytes.</summary>
    private static byte[] VariableLengthUtf8String()
        => [0x19, 0x01, 0x01, 0x00, 16, 0, 0, 0, 0x10, 0x00, 0x00, 0x00, 1, 0, 0, 0, 0, 0, 8, 0];

    private static void Message(MemoryStream target, byte type, byte flags, Action<MemoryStream> body)
    {
        var m = new MemoryStream();
        body(m);
        target.WriteByte(type);
        WriteU16(target, checked((ushort)m.Length));
        target.WriteByte(flags);
        m.Position = 0;
        m.CopyTo(target);
    }

    /// <summary>A version 2 object header holding <paramref name="messages"/> in one chunk; returns its address.</summary>
    private static ulong WriteObjectHeader(MemoryStream file, MemoryStream messages)
    {
        ulong address = (ulong)file.Length;
        var header = new MemoryStream();
        header.Write("OHDR"u8);
        header.WriteByte(2);    // version
        header.WriteByte(0x02); // chunk 0's size is a 4-byte field; no times, no attribute phase change values
        WriteU32(header, checked((uint)messages.Length));
        messages.Position = 0;
        messages.CopyTo(header);
        var bytes = header.GetBuffer().AsSpan(0, (int)header.Length);
        uint checksum = Hdf5Checksum.Compute(bytes);
        file.Write(bytes);
        WriteU32(file, checksum);
        return address;
    }

    private static void WriteU16(Stream s, ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); s.Write(b); }
    private static void WriteU32(Stream s, uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); s.Write(b); }
    private static void WriteU64(Stream s, ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); s.Write(b); }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.IO;

/// <summary>
/// Raw little-endian bytes of tensor storage, in chunks small enough for a span (tensors may exceed 2 GB)
/// and large enough to stream at memory speed. Used by the checkpoint and safetensors readers and writers;
/// the readers take a <see cref="FormatError"/> so that each format reports damage with its own exception.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Bytes moved per read or write call.</summary>
    public const int ChunkBytes = 1 << 22;

    /// <summary>Total byte length of a concrete tensor's elements.</summary>
    public static long Length(Tensor tensor) => (long)tensor.Storage.Length * tensor.DType.SizeInBytes();

    /// <summary>Bytes <c>[offset, offset + length)</c> of a primitive array's elements.</summary>
    public static Span<byte> Slice(Array array, long offset, int length)
        => MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(array), (nint)offset), length);

    /// <summary>Writes a tensor's bytes to <paramref name="stream"/> and returns the running CRC-32C state.</summary>
    public static uint WriteTo(Stream stream, Tensor tensor, uint crcState)
    {
        var storage = tensor.Storage;
        long total = Length(tensor);
        for (long off = 0; off < total; off += ChunkBytes)
        {
            var chunk = Slice(storage, off, (int)Math.Min(ChunkBytes, total - off));
            crcState = Crc32C.Append(crcState, chunk);
            stream.Write(chunk);
        }
        return crcState;
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes at <paramref name="fileOffset"/> into a new tensor of the given
    /// spec. The caller has checked that the length equals the spec's byte size and lies inside the file.
    /// Returns the CRC-32C of the bytes read. Throws the format's exception (<paramref name="error"/>) when the file is
    /// shorter than promised or a bool element is neither 0 nor 1.
    /// </summary>
    public static Tensor Read(ByteSource file, long fileOffset, long length, Shape shape, DType dtype, string fileName, string key, FormatError error, out uint crc)
    {
        var storage = Tensor.Allocate(dtype, shape.Size);
        uint state = Crc32C.Initial;
        for (long off = 0; off < length; off += ChunkBytes)
        {
            var chunk = Slice(storage, off, (int)Math.Min(ChunkBytes, length - off));
            int filled = 0;
            while (filled < chunk.Length)
            {
                int n = file.ReadAt(chunk[filled..], fileOffset + off + filled);
                if (n <= 0) throw error(fileName, key, $"the file ends before the tensor's {length} bytes at offset {fileOffset} (truncated).");
                filled += n;
            }
            state = Crc32C.Append(state, chunk);
            if (dtype == DType.Bool)
            {
                foreach (byte b in chunk)
                    if (b > 1) throw error(fileName, key, $"a bool element has byte value {b}; only 0 and 1 are valid.");
            }
        }
        crc = Crc32C.Finish(state);
        return new Tensor(storage, shape, dtype);
    }

    /// <summary>
    /// Checks dimensions read from a file: each in [0, int.MaxValue] and the element count within
    /// <see cref="Array.MaxLength"/>; returns the shape and its byte size. Never allocates from the numbers.
    /// </summary>
    public static Shape CheckShape(ReadOnlySpan<long> dims, DType dtype, string fileName, string key, FormatError error, out long byteLength)
    {
        var result = new int[dims.Length];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = dims[i];
            if (d < 0) throw error(fileName, key, $"the shape has a negative dimension {d}.");
            if (d > int.MaxValue) throw error(fileName, key, $"the shape has a dimension {d} larger than {int.MaxValue}.");
            result[i] = (int)d;
            if (count != 0 && d > Array.MaxLength / count && d != 0)
                throw error(fileName, key, $"the shape [{string.Join(", ", dims.ToArray())}] has more than {Array.MaxLength} elements (overflow).");
            count *= d;
        }
        byteLength = count * dtype.SizeInBytes();
        return new Shape(result);
    }
}

using System.Runtime.InteropServices;

namespace LayerGen.Tensors;

internal static class ArrayBytes
{
    /// <summary>The bytes of a primitive array's elements.</summary>
    public static Span<byte> AsSpanOfBytes(this Array array)
        => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), Buffer.ByteLength(array));
}

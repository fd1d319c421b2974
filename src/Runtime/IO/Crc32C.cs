using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.IO;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of checkpoint tensors and indexes, computed with
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> (the SSE4.2 / ARMv8 CRC instructions where present).
/// Standard parameters: initial value and final xor <c>0xFFFFFFFF</c>, reflected; <c>"123456789"</c> gives <c>0xE3069283</c>.
/// </summary>
internal static class Crc32C
{
    /// <summary>The running state before any byte.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running state (start from <see cref="Initial"/>).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nint n = data.Length, i = 0;
        for (; i + 32 <= n; i += 32)
        {
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 8)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 16)));
            state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 24)));
        }
        for (; i + 8 <= n; i += 8) state = BitOperations.Crc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        for (; i < n; i++) state = BitOperations.Crc32C(state, Unsafe.Add(ref p, i));
        return state;
    }

    /// <summary>Turns a running state into the checksum.</summary>
    public static uint Finish(uint state) => ~state;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));
}

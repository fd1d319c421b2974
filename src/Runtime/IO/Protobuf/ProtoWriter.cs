using System.Buffers.Binary;
using System.Text;

namespace LayerGen.IO;

/// <summary>
/// A minimal protobuf encoder (varint, 64-bit, 32-bit and length-delimited fields): all that
/// TensorBoard's Event and GraphDef messages need (the ONNX exporter uses Google.Protobuf instead).
/// Nested messages are written to their own writer and added with <see cref="Bytes"/>.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    /// <summary>A varint field (int32/int64/uint64/bool/enum).</summary>
    public void Varint(int field, ulong value) { Tag(field, 0); RawVarint(value); }

    /// <summary>A double field (wire type 1).</summary>
    public void Double(int field, double value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        _buffer.Write(b);
    }

    /// <summary>A float field (wire type 5).</summary>
    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _buffer.Write(b);
    }

    /// <summary>A length-delimited field: bytes or a nested message.</summary>
    public void Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A UTF-8 string field.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>The encoded message.</summary>
    public byte[] ToArray() => _buffer.ToArray();
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LayerGen.IO;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c>): TFRecord frames
/// (uint64 length, masked CRC-32C of the length, the data, masked CRC-32C of the data) around <c>Event</c>
/// protocol buffers. The first record carries <c>file_version: "brain.Event:2"</c>; <see cref="AddScalar"/>
/// writes a <c>Summary</c> with one <c>simple_value</c>. The protobuf encoding is written by hand (a few fields).
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    /// <summary>Creates <paramref name="logDir"/> if needed and starts a new event file in it.</summary>
    public EventFileWriter(string logDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        Directory.CreateDirectory(logDir);
        var now = DateTimeOffset.UtcNow;
        string name = string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{Environment.MachineName}");
        FilePath = Path.Combine(logDir, name);
        for (int i = 1; File.Exists(FilePath); i++) FilePath = Path.Combine(logDir, name + "." + i.ToString(CultureInfo.InvariantCulture));
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        WriteRecord(EncodeEvent(WallTime(), 0, fileVersion: "brain.Event:2", null));
        Flush();
    }

    /// <summary>
    /// Starts an event file in <paramref name="stream"/> (from its position): the same records a file gets. The stream
    /// is closed with the writer unless <paramref name="leaveOpen"/>. <see cref="FilePath"/> is null.
    /// </summary>
    public EventFileWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream cannot be written.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        WriteRecord(EncodeEvent(WallTime(), 0, fileVersion: "brain.Event:2", null));
        Flush();
    }

    /// <summary>The event file's path (null when writing to a stream).</summary>
    public string? FilePath { get; }

    /// <summary>Writes a scalar summary <paramref name="tag"/> = <paramref name="value"/> at <paramref name="step"/>.</summary>
    public void AddScalar(string tag, float value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        WriteRecord(EncodeEvent(WallTime(), step, null, [(tag, value)]));
    }

    /// <summary>Writes several scalars in one event at <paramref name="step"/>.</summary>
    public void AddScalars(IEnumerable<(string Tag, float Value)> values, long step)
    {
        ArgumentNullException.ThrowIfNull(values);
        WriteRecord(EncodeEvent(WallTime(), step, null, [.. values]));
    }

    /// <summary>
    /// Writes an event carrying a serialized <c>GraphDef</c> (Event field 4, <c>graph_def</c>): what TensorBoard's
    /// Graphs tab shows. <see cref="Graph.WriteToTensorBoard"/> builds the GraphDef from a traced graph.
    /// </summary>
    public void AddGraphDef(byte[] graphDef, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(graphDef);
        var w = new ProtoWriter();
        w.Double(1, WallTime());
        if (step != 0) w.Varint(2, (ulong)step);
        w.Bytes(4, graphDef);
        WriteRecord(w.ToArray());
    }

    /// <summary>Flushes written events to the file.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and closes the file (a stream given with <c>leaveOpen</c> is only flushed).</summary>
    public void Dispose()
    {
        if (_leaveOpen) _stream.Flush();
        else _stream.Dispose();
    }

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The TFRecord checksum: CRC-32C masked as <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C.Compute(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private void WriteRecord(byte[] data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        _stream.Write(header);
        _stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        _stream.Write(footer);
    }

    /// <summary>Encodes an <c>Event</c>: wall_time (1, double), step (2, int64), file_version (3, string) or summary (5).</summary>
    internal static byte[] EncodeEvent(double wallTime, long step, string? fileVersion, IReadOnlyList<(string Tag, float Value)>? scalars)
    {
        var w = new ProtoWriter();
        w.Double(1, wallTime);
        if (step != 0) w.Varint(2, (ulong)step);
        if (fileVersion is not null) w.Bytes(3, Encoding.UTF8.GetBytes(fileVersion));
        if (scalars is not null)
        {
            var summary = new ProtoWriter();
            foreach (var (tag, value) in scalars)
            {
                var v = new ProtoWriter();
                v.Bytes(1, Encoding.UTF8.GetBytes(tag));
                v.Float(2, value);
                summary.Bytes(1, v.ToArray());
            }
            w.Bytes(5, summary.ToArray());
        }
        return w.ToArray();
    }
}

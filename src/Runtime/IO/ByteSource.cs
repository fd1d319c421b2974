using Microsoft.Win32.SafeHandles;

namespace LayerGen.IO;

/// <summary>
/// Bytes a reader can fetch at any offset: a file (through its handle, no shared position) or a stream. The
/// safetensors and checkpoint readers read headers and tensors through it, so one reader serves paths and streams.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>The name used in error messages: the file's path, or the name given for a stream.</summary>
    public abstract string Name { get; }

    /// <summary>The number of bytes available.</summary>
    public abstract long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns how many (0 at the end).</summary>
    public abstract int ReadAt(Span<byte> buffer, long offset);

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>Opens a file for reading.</summary>
    public static ByteSource OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileSource(path, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read), ownsHandle: true);
    }

    /// <summary>Wraps an opened file handle; the caller keeps it (disposing the source leaves it open).</summary>
    public static ByteSource FromHandle(SafeFileHandle handle, string name) => new FileSource(name, handle, ownsHandle: false);

    /// <summary>
    /// The bytes of <paramref name="stream"/> from its current position to its end. A seekable stream is read in
    /// place (and left open); any other stream is copied into memory first.
    /// </summary>
    public static ByteSource FromStream(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream cannot be read.", nameof(stream));
        if (stream.CanSeek) return new StreamSource(stream, stream.Position, name);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return new StreamSource(copy, 0, name);
    }

    private sealed class FileSource(string name, SafeFileHandle handle, bool ownsHandle) : ByteSource
    {
        public override string Name => name;
        public override long Length => RandomAccess.GetLength(handle);
        public override int ReadAt(Span<byte> buffer, long offset) => RandomAccess.Read(handle, buffer, offset);
        public override void Dispose() { if (ownsHandle) handle.Dispose(); }
    }

    private sealed class StreamSource(Stream stream, long origin, string name) : ByteSource
    {
        public override string Name => name;
        public override long Length => stream.Length - origin;
        public override int ReadAt(Span<byte> buffer, long offset)
        {
            stream.Position = origin + offset;
            return stream.Read(buffer);
        }
        public override void Dispose() { }
    }
}

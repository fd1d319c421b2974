namespace LayerGen.IO;

/// <summary>
/// Writes files so that readers see the old content or the new one, never a mix: data goes to a temporary
/// file beside the target, is flushed to disk, then renamed over the target (an atomic rename on the same volume).
/// </summary>
internal static class AtomicFile
{
    /// <summary>The marker in temporary file names: <c>target.tmp-1a2b3c4d</c>.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>A fresh temporary path beside <paramref name="target"/>.</summary>
    public static string TempPathFor(string target) => target + TempMarker + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates a temporary file for <paramref name="target"/>, unbuffered, with space reserved.</summary>
    public static FileStream CreateTemp(string target, long preallocate, out string tempPath)
    {
        tempPath = TempPathFor(target);
        return new FileStream(tempPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            PreallocationSize = Math.Max(0, preallocate),
        });
    }

    /// <summary>Flushes (to disk when <paramref name="flushToDisk"/>) and closes the stream.</summary>
    public static void Complete(FileStream stream, bool flushToDisk)
    {
        stream.Flush(flushToDisk);
        stream.Dispose();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="target"/> through a flushed temporary file and a rename.</summary>
    public static void WriteAllBytes(string target, ReadOnlySpan<byte> bytes, bool flushToDisk)
    {
        var fs = CreateTemp(target, bytes.Length, out var temp);
        try
        {
            fs.Write(bytes);
            Complete(fs, flushToDisk);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            fs.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes a file, ignoring failures (cleanup paths only).</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Reads a whole small file, refusing one larger than <paramref name="maxBytes"/> (with the format's <paramref name="error"/>) before allocating.</summary>
    public static byte[] ReadAllBytesLimited(string path, long maxBytes, string what, FormatError error)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        long len = fs.Length;
        if (len > maxBytes)
            throw error(path, null, $"the {what} is {len} bytes, more than the {maxBytes}-byte limit.");
        var bytes = new byte[len];
        fs.ReadExactly(bytes);
        return bytes;
    }
}

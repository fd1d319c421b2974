namespace LayerGen.IO;

/// <summary>Streams handed to readers that need to seek from the start of the data (zip, HDF5).</summary>
internal static class SeekableStreams
{
    /// <summary>
    /// <paramref name="stream"/> itself when it can seek and stands at position 0; otherwise its bytes from the
    /// current position to the end, copied into a <see cref="MemoryStream"/> at position 0.
    /// </summary>
    public static Stream FromHere(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Position == 0) return stream;
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }
}

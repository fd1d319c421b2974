namespace LayerGen.Datasets;

/// <summary>
/// A dataset file is damaged, truncated, oversized or not what it claims to be (a wrong IDX magic number or
/// wrong dimensions, a gzip stream that does not decompress, a label out of range). Nothing is returned when
/// one is thrown. The message starts with the file's path.
/// </summary>
public sealed class DatasetFormatException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public DatasetFormatException(string path, string message) : base($"{path}: {message}") { Path = path; }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DatasetFormatException(string path, string message, Exception inner) : base($"{path}: {message}", inner) { Path = path; }

    /// <summary>The damaged file.</summary>
    public string Path { get; }
}

namespace LayerGen;

/// <summary>
/// The base of every file-format error: a file (or stream, or directory) could not be read or written because
/// its content is damaged, truncated, oversized or not what it claims to be, or because a model cannot be put
/// into the format. Each format throws its own subclass — <c>KerasFormatException</c>,
/// <c>CheckpointFormatException</c>, <c>SafeTensorsFormatException</c>, <c>SavedModelFormatException</c>,
/// <c>OnnxExportException</c> — so one <c>catch</c> of this
/// type handles a damaged file of any format. Nothing has been assigned or half-written when one is thrown.
/// </summary>
public abstract class LayerGenFormatException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    protected LayerGenFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    protected LayerGenFormatException(string message, Exception inner) : base(message, inner) { }
}

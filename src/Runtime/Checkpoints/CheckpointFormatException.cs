namespace LayerGen.Checkpoints;

/// <summary>
/// A checkpoint file is damaged, truncated or not what it claims to be. The message names
/// the file and, when known, the tensor key: <c>my_ckpt.data-00000-of-00001: model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE: checksum mismatch</c>.
/// Nothing has been assigned when this is thrown.
/// </summary>
public class CheckpointFormatException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFormatException(string file, string? key, string message)
        : base(FormatErrors.Compose(file, key, message)) { File = file; Key = key; }

    /// <summary>Creates the exception with an inner cause.</summary>
    public CheckpointFormatException(string file, string? key, string message, Exception inner)
        : base(FormatErrors.Compose(file, key, message), inner) { File = file; Key = key; }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The tensor key at fault, if the problem is tied to one.</summary>
    public string? Key { get; }

    /// <summary>The <see cref="FormatError"/> of checkpoints.</summary>
    internal static LayerGenFormatException Create(string file, string? key, string message) => new CheckpointFormatException(file, key, message);
}

/// <summary>A checkpoint index was written in a format version this LayerGen does not read.</summary>
public sealed class CheckpointVersionException : CheckpointFormatException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointVersionException(string file, int version, int supported)
        : base(file, null, $"the checkpoint format version is {version}, but this LayerGen reads only version {supported}. "
            + (version > supported ? "It was written by a newer LayerGen; upgrade to read it." : "It is not a version LayerGen ever wrote."))
    {
        Version = version;
    }

    /// <summary>The version found in the file.</summary>
    public int Version { get; }
}

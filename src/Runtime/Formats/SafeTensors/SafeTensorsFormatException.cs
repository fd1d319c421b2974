namespace LayerGen.Formats;

/// <summary>
/// A safetensors file or stream is damaged, truncated or not what it claims to be (a header length past the
/// end, offsets that overlap or leave holes, an unsupported dtype, a bool byte that is neither 0 nor 1). The
/// message names the file and, when known, the tensor: <c>model.safetensors: 'dense1/w': data_offsets [0, 48] run past the end</c>.
/// Nothing has been assigned when this is thrown.
/// </summary>
public sealed class SafeTensorsFormatException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public SafeTensorsFormatException(string file, string? key, string message)
        : base(FormatErrors.Compose(file, key, message)) { File = file; Key = key; }

    /// <summary>Creates the exception with an inner cause.</summary>
    public SafeTensorsFormatException(string file, string? key, string message, Exception inner)
        : base(FormatErrors.Compose(file, key, message), inner) { File = file; Key = key; }

    /// <summary>The file at fault (for a stream, the name given for it).</summary>
    public string File { get; }

    /// <summary>The tensor name at fault, if the problem is tied to one.</summary>
    public string? Key { get; }

    /// <summary>The <see cref="FormatError"/> of safetensors.</summary>
    internal static LayerGenFormatException Create(string file, string? key, string message) => new SafeTensorsFormatException(file, key, message);
}

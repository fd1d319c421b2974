namespace LayerGen.Formats.Keras;

/// <summary>
/// A <c>.keras</c> archive or <c>.weights.h5</c> file could not be read or written: an unsafe or oversized zip
/// entry, a missing member, a broken HDF5 file, a class that is not registered, or weights that do not match
/// the model's variables. Nothing is returned half-loaded when this is thrown.
/// </summary>
public class KerasFormatException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public KerasFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public KerasFormatException(string message, Exception inner) : base(message, inner) { }
}

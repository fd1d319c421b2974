namespace LayerGen.Formats;

/// <summary>
/// A SavedModel directory is damaged, incomplete or not what it claims to be. The message names the file
/// and what is wrong (<c>the_saved_model/functions/call_0.json: node 'Foo_1': unknown op 'Foo'</c>); the
/// cause, when there is one, is the inner exception (<see cref="UnknownOpException"/>,
/// <see cref="OpAttributeException"/>, <see cref="CheckpointFormatException"/>, a JSON error).
/// </summary>
public class SavedModelFormatException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public SavedModelFormatException(string file, string message) : base($"{file}: {message}") => File = file;

    /// <summary>Creates the exception with an inner cause.</summary>
    public SavedModelFormatException(string file, string message, Exception inner) : base($"{file}: {message}", inner) => File = file;

    /// <summary>The file (or directory) at fault.</summary>
    public string File { get; }
}

/// <summary>A loaded function was called with inputs no saved concrete function accepts.</summary>
public sealed class SignatureNotFoundException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public SignatureNotFoundException(string function, IReadOnlyList<TensorSpec> given, IReadOnlyList<string> saved)
        : base($"{function}: no concrete function was saved for inputs ({string.Join(", ", given.Select(s => $"{s.Shape} {s.DType.Name()}"))}). "
            + $"Saved signatures: {string.Join("; ", saved)}. Trace the function with this signature before saving.")
    {
        Function = function;
        Given = given;
        SavedSignatures = saved;
    }

    /// <summary>The function called.</summary>
    public string Function { get; }
    /// <summary>The specs of the inputs given.</summary>
    public IReadOnlyList<TensorSpec> Given { get; }
    /// <summary>The signatures that were saved, as text.</summary>
    public IReadOnlyList<string> SavedSignatures { get; }
}

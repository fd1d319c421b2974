namespace LayerGen.IO;

/// <summary>
/// Creates a format's own exception for a problem in <paramref name="file"/> (at tensor <paramref name="key"/>
/// when known). The shared readers (<see cref="TensorBytes"/>, <see cref="AtomicFile"/>) take one, so each
/// format reports damage with its own exception type.
/// </summary>
internal delegate LayerGenFormatException FormatError(string file, string? key, string message);

/// <summary>The message layout of the formats that name a file and a key.</summary>
internal static class FormatErrors
{
    /// <summary><c>file: message</c>, or <c>file: 'key': message</c>.</summary>
    public static string Compose(string file, string? key, string message)
        => key is null ? $"{file}: {message}" : $"{file}: '{key}': {message}";
}

namespace LayerGen.Datasets;

/// <summary>
/// A dataset's files are not where the loader looked. The message names the missing file and, for datasets a
/// system package installs, the command that installs them (e.g. <c>sudo apt install dataset-fashion-mnist</c>).
/// </summary>
public sealed class DatasetNotFoundException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public DatasetNotFoundException(string message, string path) : base(message) { Path = path; }

    /// <summary>The file that is missing.</summary>
    public string Path { get; }
}

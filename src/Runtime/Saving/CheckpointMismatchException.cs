namespace LayerGen.Saving;

/// <summary>
/// A restore could not match the file to the objects: a shape or dtype differs (nothing was assigned), or
/// an assertion such as <see cref="RestoreReport.AssertConsumed"/> failed. <see cref="Paths"/> lists every offending key.
/// </summary>
public sealed class CheckpointMismatchException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointMismatchException(string message, IReadOnlyList<string> paths) : base(message) => Paths = paths;

    /// <summary>The keys at fault.</summary>
    public IReadOnlyList<string> Paths { get; }
}

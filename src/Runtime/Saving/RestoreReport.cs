namespace LayerGen.Saving;

/// <summary>
/// What a restore matched: the keys the objects wanted but the file lacks (<see cref="MissingFromFile"/>)
/// and the keys the file has but no object took (<see cref="UnusedInFile"/>). Nothing is silently ignored:
/// assert what you expect, or say the restore is meant to be partial.
/// </summary>
public class RestoreReport
{
    private readonly string _source;

    internal RestoreReport(string source, IReadOnlyList<string> missingFromFile, IReadOnlyList<string> unusedInFile)
    {
        _source = source;
        MissingFromFile = missingFromFile;
        InitialUnused = unusedInFile;
    }

    private protected IReadOnlyList<string> InitialUnused { get; }

    /// <summary>Keys of existing variables that the file does not contain; those variables kept their values.</summary>
    public IReadOnlyList<string> MissingFromFile { get; }

    /// <summary>Keys in the file that no existing variable took (yet: a deferred restore may still take them).</summary>
    public virtual IReadOnlyList<string> UnusedInFile => InitialUnused;

    /// <summary>True when <see cref="ExpectPartial"/> was called.</summary>
    public bool IsPartialExpected { get; private set; }

    /// <summary>Throws unless every variable was restored and every value in the file was used.</summary>
    public virtual RestoreReport AssertConsumed()
    {
        AssertExistingObjectsMatched();
        var unused = UnusedInFile;
        if (unused.Count > 0)
            throw new CheckpointMismatchException(
                $"Restore from '{_source}' did not use {unused.Count} value(s) in the file: {Describe(unused)}. "
                + "They belong to objects that do not exist (yet); build them, or call ExpectPartial() if this is intended.", unused);
        return this;
    }

    /// <summary>Throws unless every existing variable found its value in the file (values left over in the file are fine).</summary>
    public virtual RestoreReport AssertExistingObjectsMatched()
    {
        if (MissingFromFile.Count > 0)
            throw new CheckpointMismatchException(
                $"Restore from '{_source}' found no value for {MissingFromFile.Count} existing variable(s): {Describe(MissingFromFile)}. "
                + "They kept their current values.", MissingFromFile);
        return this;
    }

    /// <summary>States that a partial restore is intended (TensorFlow's <c>expect_partial</c>); the lists stay available.</summary>
    public virtual RestoreReport ExpectPartial()
    {
        IsPartialExpected = true;
        return this;
    }

    private static string Describe(IReadOnlyList<string> keys)
        => keys.Count <= 10 ? string.Join(", ", keys) : string.Join(", ", keys.Take(10)) + $", ... ({keys.Count - 10} more)";
}

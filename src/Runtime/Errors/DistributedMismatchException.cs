namespace LayerGen;

/// <summary>
/// The ranks of a distributed job disagree on the model: a variable has another shape (or dtype) on some rank
/// than on rank 0, or the ranks have different numbers of variables. Raised on every rank at the first
/// broadcast of the variables, naming the variable, the ranks and both shapes.
/// </summary>
public class DistributedMismatchException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public DistributedMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DistributedMismatchException(string message, Exception inner) : base(message, inner) { }
}

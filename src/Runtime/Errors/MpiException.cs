namespace LayerGen;

/// <summary>
/// An MPI call failed: the message names the MPI function, its error code and Open MPI's text for it
/// (<c>MPI_Error_string</c>). Raised by the distributed-training binding (<c>LayerGen.Distributed</c>), which
/// sets <c>MPI_ERRORS_RETURN</c> on <c>MPI_COMM_WORLD</c> so that failures come back as codes instead of
/// aborting the job.
/// </summary>
public class MpiException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public MpiException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public MpiException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception for a failed call: <paramref name="function"/> returned <paramref name="errorCode"/>.</summary>
    public MpiException(string function, int errorCode, string errorText)
        : base($"{function} failed with MPI error {errorCode}: {errorText}")
    {
        Function = function;
        ErrorCode = errorCode;
    }

    /// <summary>The MPI function that failed (e.g. <c>MPI_Allreduce</c>), or null when the failure is not one call's.</summary>
    public string? Function { get; }

    /// <summary>The MPI error code the call returned (0 when the failure is not one call's).</summary>
    public int ErrorCode { get; }
}

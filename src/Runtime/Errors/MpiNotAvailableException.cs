namespace LayerGen;

/// <summary>
/// The MPI library (Open MPI's <c>libmpi.so.40</c>) could not be loaded or lacks a symbol the binding needs.
/// The message says what to install (<c>apt-get install openmpi-bin libopenmpi-dev</c> on Debian and Ubuntu)
/// and how to point at another library (<c>LAYERGEN_MPI_LIBRARY</c>). Only distributed training needs MPI;
/// single-process training never loads it.
/// </summary>
public class MpiNotAvailableException : MpiException
{
    /// <summary>Creates the exception.</summary>
    public MpiNotAvailableException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public MpiNotAvailableException(string message, Exception inner) : base(message, inner) { }
}

using System.Runtime.InteropServices;

namespace LayerGen.Distributed;

/// <summary>
/// The dozen Open MPI entry points and predefined handles distributed training uses, resolved once from
/// <c>libmpi.so.40</c> (Open MPI 4.x; <c>LAYERGEN_MPI_LIBRARY</c> overrides the path). Calls go through
/// unmanaged function pointers (<c>delegate* unmanaged</c>) taken with <see cref="NativeLibrary.GetExport"/>:
/// blittable arguments only, no marshalling stubs, no reflection, so trimming and NativeAOT keep it as is.
/// Open MPI's handles are pointers: <c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>... are the
/// addresses of the exported globals <c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>, <c>ompi_mpi_op_sum</c>
/// (mpi.h's <c>OMPI_PREDEFINED_GLOBAL</c>), which is what <see cref="NativeLibrary.TryGetExport"/> returns.
/// MPICH-ABI libraries (MPICH, Intel MPI, MS-MPI) use integer handles and are not supported.
/// </summary>
internal static unsafe class MpiNative
{
    /// <summary>The environment variable that names another MPI library to load.</summary>
    public const string LibraryVariable = "LAYERGEN_MPI_LIBRARY";

    /// <summary>What to tell a user whose machine has no MPI.</summary>
    public const string InstallHint = "Install Open MPI 4.x (Debian/Ubuntu: `apt-get install openmpi-bin libopenmpi-dev`; "
        + "Fedora: `dnf install openmpi openmpi-devel`; macOS: `brew install open-mpi`), or set " + LibraryVariable
        + " to the path of an Open MPI libmpi, and start the program with `mpirun -np <N> ...`.";

    // mpi.h (Open MPI 4.1) constants.
    public const int ThreadSerialized = 2;   // MPI_THREAD_SERIALIZED
    public const int Success = 0;            // MPI_SUCCESS
    public const int MaxErrorString = 256;   // MPI_MAX_ERROR_STRING
    public static readonly nint InPlace = 1; // MPI_IN_PLACE is ((void *) 1)

    private static readonly Lock Gate = new();
    private static bool _loaded;
    private static string? _loadError;

    public static nint Library { get; private set; }
    public static nint CommWorld { get; private set; }
    public static nint Float { get; private set; }
    public static nint Double { get; private set; }
    public static nint Int64 { get; private set; }
    public static nint Byte { get; private set; }
    public static nint OpSum { get; private set; }
    public static nint OpMax { get; private set; }
    public static nint OpMin { get; private set; }
    public static nint ErrorsReturn { get; private set; }

    public static delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    public static delegate* unmanaged<int*, int> Initialized;
    public static delegate* unmanaged<int*, int> Finalized;
    public static delegate* unmanaged<int> FinalizeMpi;
    public static delegate* unmanaged<nint, int*, int> CommRank;
    public static delegate* unmanaged<nint, int*, int> CommSize;
    public static delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    public static delegate* unmanaged<nint, nint, int, nint, nint, nint, int> Allreduce;
    public static delegate* unmanaged<nint, int, nint, int, nint, int> Bcast;
    public static delegate* unmanaged<nint, int> Barrier;
    public static delegate* unmanaged<nint, int, int> Abort;
    public static delegate* unmanaged<int, byte*, int*, int> ErrorString;

    /// <summary>Whether the library could be loaded (loads it on the first call); never throws.</summary>
    public static bool TryLoad(out string? error)
    {
        lock (Gate)
        {
            if (!_loaded && _loadError is null) _loadError = LoadCore();
            _loaded = _loadError is null;
            error = _loadError;
            return _loaded;
        }
    }

    /// <summary>Loads the library or throws <see cref="MpiNotAvailableException"/> naming what to install.</summary>
    public static void EnsureLoaded()
    {
        if (!TryLoad(out var error)) throw new MpiNotAvailableException(error!);
    }

    private static string? LoadCore()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } custom) candidates.Add(custom); // only it
        else if (OperatingSystem.IsMacOS()) candidates.AddRange(["libmpi.40.dylib", "/opt/homebrew/lib/libmpi.40.dylib", "/usr/local/lib/libmpi.40.dylib"]);
        else candidates.AddRange(["libmpi.so.40", "/usr/lib/x86_64-linux-gnu/libmpi.so.40", "/usr/lib/aarch64-linux-gnu/libmpi.so.40", "/usr/lib64/openmpi/lib/libmpi.so.40", "libmpi.so"]);
        if (OperatingSystem.IsWindows())
            return "Distributed training needs Open MPI, which LayerGen loads on Linux and macOS; MS-MPI (Windows) uses another ABI and is not supported.";
        nint handle = 0;
        string? loadedFrom = null;
        foreach (var name in candidates)
        {
            // Open MPI loads its components (mca_*.so) with dlopen; they resolve libmpi's symbols globally,
            // so libmpi itself must be opened RTLD_GLOBAL (as mpi4py does), before NativeLibrary takes its handle.
            if (!PosixDl.OpenGlobal(name)) continue;
            if (NativeLibrary.TryLoad(name, out handle)) { loadedFrom = name; break; }
        }
        if (handle == 0)
            return $"Distributed training needs MPI, but no Open MPI library was found (tried {string.Join(", ", candidates)}). {InstallHint}";
        Library = handle;
        var missing = new List<string>();
        nint Export(string symbol)
        {
            if (NativeLibrary.TryGetExport(handle, symbol, out var address)) return address;
            missing.Add(symbol);
            return 0;
        }
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int64 = Export("ompi_mpi_int64_t");
        Byte = Export("ompi_mpi_byte");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
        OpMin = Export("ompi_mpi_op_min");
        ErrorsReturn = Export("ompi_mpi_errors_return");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Export("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        FinalizeMpi = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        Allreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Export("MPI_Bcast");
        Barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        if (missing.Count > 0)
            return $"{loadedFrom} was loaded but lacks {string.Join(", ", missing)}: LayerGen's binding needs Open MPI 4.x "
                + $"(its handles are the addresses of ompi_mpi_* globals; MPICH-ABI libraries are not supported). {InstallHint}";
        return null;
    }

    /// <summary>Throws <see cref="MpiException"/> with Open MPI's text when <paramref name="code"/> is not MPI_SUCCESS.</summary>
    public static void Check(int code, string function)
    {
        if (code == Success) return;
        throw new MpiException(function, code, DescribeError(code));
    }

    /// <summary>Open MPI's text for an error code (<c>MPI_Error_string</c>).</summary>
    public static string DescribeError(int code)
    {
        if (ErrorString == null) return "unknown error";
        byte* text = stackalloc byte[MaxErrorString + 1];
        int length = 0;
        if (ErrorString(code, text, &length) != Success || length <= 0) return "unknown error";
        return System.Text.Encoding.UTF8.GetString(text, Math.Min(length, MaxErrorString));
    }
}

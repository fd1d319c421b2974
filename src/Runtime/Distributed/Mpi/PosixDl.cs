using System.Runtime.InteropServices;

namespace LayerGen.Distributed;

/// <summary>
/// <c>dlopen(name, RTLD_NOW | RTLD_GLOBAL)</c>: <see cref="NativeLibrary.TryLoad(string, out nint)"/> opens
/// libraries RTLD_LOCAL, which hides libmpi's symbols from the components Open MPI loads later. <c>dlopen</c>
/// itself is found in the process (the C library is always loaded), so no library name is guessed.
/// </summary>
internal static unsafe class PosixDl
{
    private const int RtldNow = 0x2;
    private static int RtldGlobal => OperatingSystem.IsMacOS() ? 0x8 : 0x100;

    /// <summary>Opens <paramref name="name"/> with global symbols; false when the library is absent.</summary>
    public static bool OpenGlobal(string name)
    {
        if (!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "dlopen", out var dlopen))
            return NativeLibrary.TryLoad(name, out _);
        var open = (delegate* unmanaged<byte*, int, nint>)dlopen;
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes) return open(p, RtldNow | RtldGlobal) != 0;
    }
}

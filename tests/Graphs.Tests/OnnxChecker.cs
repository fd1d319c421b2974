using System.Diagnostics;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// The official ONNX checker (<c>onnx.checker.check_model(..., full_check=True)</c>, which also runs strict shape
/// inference) through Debian's python3-onnx for <c>/usr/bin/python3</c>. <see cref="SkipReason"/> says why it cannot
/// run when it is not installed.
/// </summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    // Checks every path given; prints one "FAIL path: message" line per model that fails, then "checked N".
    private const string Script = """
        import sys, onnx
        n = 0
        for path in sys.argv[1:]:
            try:
                onnx.checker.check_model(onnx.load(path), full_check=True)
            except Exception as e:
                print("FAIL " + path + ": " + str(e).replace("\n", " "))
            n += 1
        print("checked %d" % n)
        """;

    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} not found: install python3-onnx (Debian) to run the ONNX checker";
        var (exit, output) = Run("-c", "import onnx");
        return exit == 0 ? null : $"{Python} cannot import onnx ({output.Trim()}): install python3-onnx (Debian) to run the ONNX checker";
    });

    /// <summary>Null when the checker can run; otherwise why not.</summary>
    public static string? SkipReason => Unavailable.Value;

    /// <summary>Runs the checker on every file; returns the failures (empty when all pass) and the number checked.</summary>
    public static (IReadOnlyList<string> Failures, int Checked) Check(IReadOnlyList<string> paths)
    {
        var (exit, output) = Run(["-c", Script, .. paths]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var done = lines.LastOrDefault(l => l.StartsWith("checked ", StringComparison.Ordinal));
        if (exit != 0 || done is null) throw new InvalidOperationException($"the ONNX checker did not run (exit {exit}):\n{output}");
        return ([.. lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal))], int.Parse(done["checked ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A fact that needs the ONNX checker: skipped, with the reason, when python3-onnx is not installed.</summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the checker cannot run.</summary>
    public OnnxCheckerFactAttribute() { if (OnnxChecker.SkipReason is { } reason) Skip = reason; }
}

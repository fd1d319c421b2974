using System.Diagnostics;

namespace LayerGen.Graphs;

/// <summary>
/// Runs Graphviz's <c>dot</c> program on DOT text (from <see cref="GraphDot"/> or <see cref="Models.ModelDot"/>) to draw
/// it as PNG, SVG, PDF or any other format <c>dot -T</c> knows. <c>dot</c> is looked up in the <c>LAYERGEN_DOT</c>
/// environment variable (a path to the executable), then on <c>PATH</c>. LayerGen ships no Graphviz: install it
/// (<c>apt-get install graphviz</c>, <c>brew install graphviz</c>, <c>winget install graphviz</c>).
/// </summary>
public static class Graphviz
{
    /// <summary>The environment variable that may name the <c>dot</c> executable.</summary>
    public const string DotVariable = "LAYERGEN_DOT";

    /// <summary>How long one rendering may take before it is abandoned.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The path of the <c>dot</c> executable, or null when Graphviz is not installed.</summary>
    public static string? FindDot()
    {
        var configured = Environment.GetEnvironmentVariable(DotVariable);
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        string name = OperatingSystem.IsWindows() ? "dot.exe" : "dot";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Whether <c>dot</c> can be found (<see cref="FindDot"/>).</summary>
    public static bool IsAvailable => FindDot() is not null;

    /// <summary>
    /// The output format for <paramref name="path"/>: its extension without the dot, lower case (<c>png</c> when it
    /// has none, as Keras's <c>plot_model</c> does).
    /// </summary>
    public static string FormatOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path);
        return ext.Length <= 1 ? "png" : ext[1..].ToLowerInvariant();
    }

    /// <summary>
    /// Draws <paramref name="dot"/> into <paramref name="outputPath"/> in <paramref name="format"/> (by default the
    /// file's extension, see <see cref="FormatOf"/>). Throws <see cref="GraphvizNotFoundException"/> without Graphviz
    /// and <see cref="GraphvizException"/> when <c>dot</c> refuses the graph or the format.
    /// </summary>
    public static void Save(string dot, string outputPath, string? format = null)
    {
        ArgumentNullException.ThrowIfNull(dot);
        ArgumentNullException.ThrowIfNull(outputPath);
        format ??= FormatOf(outputPath);
        string full = Path.GetFullPath(outputPath);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        Run(dot, format, full);
    }

    /// <summary>The bytes <c>dot -T<paramref name="format"/></c> prints for <paramref name="dot"/> (an SVG's text, a PNG's bytes).</summary>
    public static byte[] Render(string dot, string format)
    {
        ArgumentNullException.ThrowIfNull(dot);
        ArgumentNullException.ThrowIfNull(format);
        return Run(dot, format, null);
    }

    private static byte[] Run(string dot, string format, string? outputPath)
    {
        if (format.Length == 0 || !format.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-'))
            throw new ArgumentException($"'{format}' is not a Graphviz output format (png, svg, pdf, jpg, ...).", nameof(format));
        string exe = FindDot() ?? throw new GraphvizNotFoundException(NotFoundMessage(outputPath is null ? $"a {format} picture" : outputPath));
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-T" + format);
        if (outputPath is not null) { psi.ArgumentList.Add("-o"); psi.ArgumentList.Add(outputPath); }
        Process process;
        try { process = Process.Start(psi) ?? throw new GraphvizException($"Graphviz's dot ({exe}) did not start."); }
        catch (System.ComponentModel.Win32Exception e) { throw new GraphvizNotFoundException(NotFoundMessage(outputPath ?? $"a {format} picture") + $" ({exe}: {e.Message})", e); }
        using (process)
        {
            var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var readErr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            if (!process.WaitForExit(Timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new GraphvizException($"Graphviz's dot did not finish drawing within {Timeout.TotalSeconds:0} s.");
            }
            copyOut.GetAwaiter().GetResult();
            string err = readErr.GetAwaiter().GetResult().Trim();
            if (process.ExitCode != 0)
                throw new GraphvizException($"Graphviz's dot -T{format} failed (exit code {process.ExitCode}): {(err.Length == 0 ? "no message" : err)}");
            return stdout.ToArray();
        }
    }

    /// <summary>What to do without Graphviz (Keras's words first).</summary>
    internal static string NotFoundMessage(string target) =>
        $"You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) to draw {target}: Graphviz's `dot` " +
        $"program was found neither in {DotVariable} nor on PATH. Install it (Debian and Ubuntu: apt-get install graphviz; " +
        "macOS: brew install graphviz; Windows: winget install graphviz) or set " + DotVariable + " to the dot executable.";
}

using System.Diagnostics;
using System.Text;

namespace LayerGen.Distributed.Tests;

/// <summary>Starts tests/Distributed.MpiHelper, alone or under <c>mpirun -np N --oversubscribe --allow-run-as-root</c>.</summary>
internal static class MpiRun
{
    /// <summary>The path of mpirun, or null when Open MPI's launcher is not installed (the tests then skip with a message).</summary>
    public static string? MpirunPath { get; } = FindMpirun();

    /// <summary>What a skipped test prints.</summary>
    public const string SkipMessage = "Skipped: mpirun is not on PATH (install openmpi-bin and libopenmpi-dev; .ci/run does).";

    private static string? FindMpirun()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var f = Path.Combine(dir, "mpirun");
            if (File.Exists(f)) return f;
        }
        return null;
    }

    private static string HelperDll()
    {
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = tfmDir.Name, config = tfmDir.Parent!.Name;
        string tests = tfmDir.Parent!.Parent!.Parent!.Parent!.FullName;
        string dll = Path.Combine(tests, "Distributed.MpiHelper", "bin", config, tfm, "LayerGen.Distributed.MpiHelper.dll");
        Assert.True(File.Exists(dll), $"The MPI helper was not built at {dll}.");
        return dll;
    }

    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>The exit code, the output and the wall time of the helper with <paramref name="args"/>; <paramref name="ranks"/> 0: without mpirun.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Helper(int ranks, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var psi = new ProcessStartInfo(ranks == 0 ? DotnetHost() : MpirunPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Each mpirun gets its own session directory: test classes run in parallel, and two Open MPI 4.1 launchers that
        // both create /tmp/ompi.<host>.<uid> for the first time race on it ("A call to mkdir was unable to create the
        // desired directory ... File exists", orte_init failed), which failed a fresh-machine CI run.
        using var session = ranks > 0 ? new TempDir() : null;
        if (session is not null) psi.Environment["OMPI_MCA_orte_tmpdir_base"] = session.Path;
        if (ranks > 0)
        {
            foreach (var a in (string[])["-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", "--allow-run-as-root"]) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(DotnetHost());
        }
        psi.ArgumentList.Add(HelperDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TERM"] = "dumb";
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"The helper ({string.Join(' ', args)}, {ranks} ranks) did not finish within {timeout.TotalSeconds} s:\n{output}");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString(), clock.Elapsed);
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LayerGen.Tests.Shared;

/// <summary>Runs the dotnet CLI the way a user would, in a clean environment. Linked into the test projects that build projects.</summary>
internal static class DotnetCli
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");
    public static string Configuration { get; } = Metadata("Configuration");

    private static string Metadata(string key)
        => typeof(DotnetCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host runs inside `dotnet test`: drop the MSBuild variables it inherited so the
        // child behaves like a user's shell.
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_HOST_PATH" or "TESTINGPLATFORM_UI_LANGUAGE")
                psi.Environment.Remove(key);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 5 minutes:\n{output}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, output.ToString());
    }
}

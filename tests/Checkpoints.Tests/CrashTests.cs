using System.Diagnostics;
using Xunit.Abstractions;

namespace LayerGen.Checkpoints.Tests;

/// <summary>
/// Kills a process in the middle of saving (tests/Checkpoints.CrashHelper saves in a loop) and checks that the
/// latest checkpoint named by the state file is whole: every element of every variable holds the same value.
/// </summary>
public class CrashTests(ITestOutputHelper output)
{
    private const int MegabytesPerVariable = 4;

    private static string HelperDll()
    {
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = tfmDir.Name, config = tfmDir.Parent!.Name;
        string tests = tfmDir.Parent!.Parent!.Parent!.Parent!.FullName;
        string dll = Path.Combine(tests, "Checkpoints.CrashHelper", "bin", config, tfm, "LayerGen.Checkpoints.CrashHelper.dll");
        Assert.True(File.Exists(dll), $"The crash helper was not built at {dll}.");
        return dll;
    }

    [Fact]
    public void KillingASaveLeavesTheLatestCheckpointLoadable()
    {
        using var dir = new TempDir();
        string dll = HelperDll();
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var random = new Random(7);
        long lastPrinted = 0;
        for (int run = 0; run < 4; run++)
        {
            var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add(dir.Path);
            psi.ArgumentList.Add(MegabytesPerVariable.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var p = new Process { StartInfo = psi };
            long printed = 0;
            var stderr = new System.Text.StringBuilder();
            using var saved = new SemaphoreSlim(0);
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("saved ", StringComparison.Ordinal))
                {
                    Interlocked.Exchange(ref printed, long.Parse(line["saved ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                    saved.Release();
                }
            };
            p.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            try
            {
                // let it complete a save or two, then kill it at a random moment of the next one
                for (int s = 0; s < 1 + run % 2; s++)
                    Assert.True(saved.Wait(TimeSpan.FromSeconds(30)), "The helper did not save within 30 s: " + stderr);
                Thread.Sleep(random.Next(0, 40));
            }
            finally
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
            lastPrinted = Interlocked.Read(ref printed);
            int leftovers = Directory.GetFiles(dir.Path, "*.tmp-*").Length;
            output.WriteLine($"run {run}: killed after save {lastPrinted}; unfinished temporary files left: {leftovers}");

            var vars = Enumerable.Range(0, 4).Select(i => new Variable(Tensor.Zeros([MegabytesPerVariable * 1024 * 1024 / 4]), name: $"v{i}")).ToArray();
            var ckpt = new Checkpoint();
            for (int i = 0; i < vars.Length; i++) ckpt[$"v{i}"] = vars[i];
            var manager = new CheckpointManager(ckpt, dir.Path, maxToKeep: 2);
            Assert.NotNull(manager.LatestCheckpoint);
            manager.RestoreLatest()!.AssertConsumed();
            output.WriteLine($"  restored {manager.LatestCheckpoint}");
            Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*")); // the manager cleaned up the interrupted save
            Assert.True(ckpt.SaveCounter >= lastPrinted, $"latest {manager.LatestCheckpoint} is older than the last completed save {lastPrinted}");
            float value = vars[0].AsSpan<float>()[0];
            Assert.True(value >= 1);
            foreach (var v in vars)
                Assert.True(v.AsSpan<float>().IndexOfAnyExcept(value) < 0, "a checkpoint mixes values of different saves");
        }
    }
}

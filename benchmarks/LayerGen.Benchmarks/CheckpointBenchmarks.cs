using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Checkpoint and safetensors throughput for a 200 MB model (50 float32 variables of 4 MB). Divide
/// <see cref="ModelBytes"/> by the mean time for GB/s. Files live in the temp directory (usually the page cache).
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    /// <summary>Total bytes of the model's variables.</summary>
    public const long ModelBytes = 50L * 4 * 1024 * 1024;

    private string _dir = null!;
    private Checkpoint _checkpoint = null!;
    private Module _model = null!;

    private sealed class BigModel : Module
    {
        public readonly Variable[] Vars = Enumerable.Range(0, 50)
            .Select(i => new Variable(Tensor.RandomUniform([1024, 1024], generator: new RandomGenerator(i)), name: $"v{i}")).ToArray();

        protected override void VisitMembers(IModuleVisitor visitor)
        {
            for (int i = 0; i < Vars.Length; i++) visitor.Variable($"layer{i}/kernel", Vars[i]);
        }
    }

    /// <summary>Builds the model and writes the files the read benchmarks read.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lg-ckpt-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        _model = new BigModel();
        _checkpoint = new Checkpoint { ["model"] = _model, FlushToDisk = false };
        _checkpoint.Write(Path.Combine(_dir, "read"));
        SafeTensors.Save(_model, Path.Combine(_dir, "read.safetensors"), flushToDisk: false);
    }

    /// <summary>Removes the files.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>Checkpoint.Write without fsync: temp files, CRC-32C, rename (page cache speed).</summary>
    [Benchmark]
    public void Write()
    {
        _checkpoint.FlushToDisk = false;
        _checkpoint.Write(Path.Combine(_dir, "write"));
    }

    /// <summary>Checkpoint.Write with fsync before each rename (the default: durable).</summary>
    [Benchmark]
    public void WriteDurable()
    {
        _checkpoint.FlushToDisk = true;
        _checkpoint.Write(Path.Combine(_dir, "durable"));
    }

    /// <summary>Checkpoint.Restore: validate, read, CRC-check, assign.</summary>
    [Benchmark]
    public CheckpointLoadStatus Restore() => _checkpoint.Restore(Path.Combine(_dir, "read"));

    /// <summary>SafeTensors.Save without fsync.</summary>
    [Benchmark]
    public void SafeTensorsSave() => SafeTensors.Save(_model, Path.Combine(_dir, "write.safetensors"), flushToDisk: false);

    /// <summary>SafeTensors.LoadInto.</summary>
    [Benchmark]
    public RestoreReport SafeTensorsLoadInto() => SafeTensors.LoadInto(_model, Path.Combine(_dir, "read.safetensors"));
}

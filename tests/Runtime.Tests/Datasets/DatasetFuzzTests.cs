using LayerGen.Datasets;

namespace LayerGen.Tests.Datasets;

/// <summary>
/// Seeded random damage to Fashion-MNIST's gzipped IDX files, like the checkpoint and safetensors loaders'
/// LoaderFuzzTests: the loader gives a <see cref="DatasetFormatException"/> or succeeds, never a generic .NET
/// exception, and never allocates what a damaged header claims.
/// </summary>
public class DatasetFuzzTests
{
    private static byte[] Mutate(byte[] bytes, int from, int to, Random random)
    {
        var copy = (byte[])bytes.Clone();
        int flips = 1 + random.Next(3);
        for (int i = 0; i < flips; i++)
        {
            int at = from + random.Next(to - from);
            copy[at] = random.Next(3) == 0 ? (byte)(copy[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
        }
        return copy;
    }

    private static void LoadExpectingFormatErrorsOnly(string dir, int trial, string what)
    {
        try { FashionMnist.Load(dir, 3, 2); }
        catch (DatasetFormatException) { }
        catch (Exception e) { Assert.Fail($"trial {trial} ({what}): {e.GetType().Name}: {e.Message}"); }
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", 630)]
    [InlineData("train-labels-idx1-ubyte.gz", 631)]
    public void DamagedGzipBytesGiveDatasetFormatExceptions(string file, int seed)
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, 3, 2);
        var good = File.ReadAllBytes(dir[file]);
        var random = new Random(seed);
        for (int trial = 0; trial < 600; trial++)
        {
            // Half the trials damage the gzip header and the start of the deflate stream, half anywhere.
            var bad = Mutate(good, 0, trial % 2 == 0 ? Math.Min(40, good.Length) : good.Length, random);
            File.WriteAllBytes(dir[file], bad);
            LoadExpectingFormatErrorsOnly(dir.Path, trial, file);
        }
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", 3, 632)]
    [InlineData("t10k-labels-idx1-ubyte.gz", 1, 633)]
    public void DamagedIdxHeadersInsideValidGzipGiveDatasetFormatExceptions(string file, int rank, int seed)
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, 3, 2);
        var raw = new System.IO.Compression.GZipStream(new MemoryStream(File.ReadAllBytes(dir[file])), System.IO.Compression.CompressionMode.Decompress);
        using var ms = new MemoryStream();
        raw.CopyTo(ms);
        var good = ms.ToArray();
        var random = new Random(seed);
        for (int trial = 0; trial < 400; trial++)
        {
            var bad = Mutate(good, 0, 4 + 4 * rank, random);
            // Keep the trailer's length right half the time, so the damage reaches the IDX header check.
            var gz = IdxFiles.Gzip(bad);
            File.WriteAllBytes(dir[file], trial % 2 == 0 ? gz : FashionMnistTests.WithTrailerLength(gz, (uint)good.Length));
            LoadExpectingFormatErrorsOnly(dir.Path, trial, file);
        }
    }

    [Fact]
    public void HugeClaimedDimensionsAreRefusedBeforeAllocating()
    {
        // A header claiming 2^31-1 images inside a file of the expected length: refused by the dimension check.
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, 3, 2);
        var pixels = new byte[3 * 784];
        var gz = FashionMnistTests.WithTrailerLength(IdxFiles.Gzip(IdxFiles.Idx([int.MaxValue, 28, 28], pixels)), 16 + 3 * 784);
        File.WriteAllBytes(dir["train-images-idx3-ubyte.gz"], gz);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(dir.Path, 3, 2));
        Assert.Contains("IDX dimensions (2147483647, 28, 28), expected (3, 28, 28)", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the loader allocated what the damaged header claimed");
    }
}

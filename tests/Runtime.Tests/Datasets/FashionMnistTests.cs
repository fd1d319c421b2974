using LayerGen.Datasets;

namespace LayerGen.Tests.Datasets;

/// <summary>
/// <see cref="FashionMnist.Load(string?)"/> on small synthetic IDX files the tests write, on damaged ones, and on the
/// real files Debian's dataset-fashion-mnist installs (checked against References/fashion_mnist_reference.py).
/// </summary>
public class FashionMnistTests
{
    [Fact]
    public void ReadsImagesScaledToUnitRangeAndInt32Labels()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, train: 5, test: 3);
        var data = FashionMnist.Load(dir.Path, trainCount: 5, testCount: 3);

        Assert.Equal(new Shape(5, 28, 28), data.TrainImages.Shape);
        Assert.Equal(new Shape(5), data.TrainLabels.Shape);
        Assert.Equal(new Shape(3, 28, 28), data.TestImages.Shape);
        Assert.Equal(new Shape(3), data.TestLabels.Shape);
        Assert.Equal(DType.Float32, data.TrainImages.DType);
        Assert.Equal(DType.Int32, data.TrainLabels.DType);
        var pixels = data.TrainImages.ToFloatArray();
        for (int i = 0; i < 5; i++)
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                    Assert.Equal((float)(IdxFiles.Pixel(i, r, c) / 255.0), pixels[(i * 28 + r) * 28 + c]);
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        Assert.Equal([3, 0, 7, 4, 1], data.TrainLabels.AsSpan<int>().ToArray());
        Assert.Equal([3, 0, 7], data.TestLabels.AsSpan<int>().ToArray());
    }

    [Fact]
    public void DeconstructsLikeKerasLoadData()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, train: 2, test: 1);
        var data = FashionMnist.Load(dir.Path, 2, 1);
        var ((xTrain, yTrain), (xTest, yTest)) = data;
        Assert.Same(data.TrainImages, xTrain);
        Assert.Same(data.TrainLabels, yTrain);
        Assert.Same(data.TestImages, xTest);
        Assert.Same(data.TestLabels, yTest);
    }

    [Fact]
    public void MissingFilesNameThePackageAndThePath()
    {
        using var dir = new TempDirectory();
        var missing = dir["nowhere"];
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(missing));
        Assert.Contains("sudo apt install dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(missing, "train-images-idx3-ubyte.gz"), e.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(missing, "train-images-idx3-ubyte.gz"), e.Path);

        // One file of four missing: that one is named.
        IdxFiles.WriteSet(dir.Path, 2, 1);
        File.Delete(dir["t10k-labels-idx1-ubyte.gz"]);
        e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(dir.Path, 2, 1));
        Assert.Equal(dir["t10k-labels-idx1-ubyte.gz"], e.Path);
    }

    [Fact]
    public void TheDefaultDirectoryIsDebiansAndItsErrorSaysToInstallThePackage()
    {
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DefaultDirectory);
        if (File.Exists(Path.Combine(FashionMnist.DefaultDirectory, FashionMnist.FileNames[0]))) return; // checked by RealFiles* below
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load());
        Assert.Contains("Install the dataset with `sudo apt install dataset-fashion-mnist`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesOfOtherSizesAreRefusedByTheFullSizeLoader()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, 4, 2);
        var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(dir.Path));
        Assert.Equal(dir["train-images-idx3-ubyte.gz"], e.Path);
        Assert.Contains("expected 47040016", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> DamagedFiles() => new()
    {
        { "bad image magic", "IDX magic number 0x00000801, expected 0x00000803" },
        { "bad label magic", "IDX magic number 0x00000803, expected 0x00000801" },
        { "wrong dimensions", "IDX dimensions (2, 28, 27), expected (2, 28, 28)" },
        { "truncated data", "the gzip trailer says it holds 1583 bytes, expected 1584" },
        { "truncated stream", "truncated: the data ends after " },
        { "oversized data", "the gzip trailer says it holds 1585 bytes, expected 1584" },
        { "oversized stream", "oversized: data goes on after the 1568 bytes" },
        { "damaged trailer", "the gzip stream is damaged" },
        { "not gzip", "not a gzip file (it starts with 0x00 0x00" },
        { "empty", "0 bytes is too short for a gzip file" },
        { "huge compressed file", "oversized: 2000000 bytes is more than a gzip of the expected 1584-byte IDX file can be" },
        { "label out of range", "label 10 at index 1 is not a class (0..9)" },
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void DamagedFilesGiveDatasetFormatExceptions(string damage, string message)
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, 2, 1);
        string images = dir["train-images-idx3-ubyte.gz"], labels = dir["train-labels-idx1-ubyte.gz"];
        var pixels = new byte[2 * 28 * 28];
        new Random(16).NextBytes(pixels); // incompressible, so a cut lands inside the deflate data
        string target = images;
        byte[] file = damage switch
        {
            "bad image magic" => IdxFiles.Gzip(IdxFiles.Idx([2, 28, 28], pixels, magic: 0x0801)),
            "bad label magic" => IdxFiles.Gzip(IdxFiles.Idx([2], [1, 2], magic: 0x0803)),
            "wrong dimensions" => IdxFiles.Gzip(IdxFiles.Idx([2, 28, 27], pixels)),
            "truncated data" => IdxFiles.Gzip(IdxFiles.Idx([2, 28, 28], pixels)[..^1]),
            "truncated stream" => WithTrailerLength(IdxFiles.Gzip(IdxFiles.Idx([2, 28, 28], pixels))[..^600], 1584),
            "oversized data" => IdxFiles.Gzip([.. IdxFiles.Idx([2, 28, 28], pixels), 0]),
            "oversized stream" => [.. IdxFiles.Gzip(IdxFiles.Idx([2, 28, 28], pixels)), .. IdxFiles.Gzip(new byte[1584])], // two gzip members
            "damaged trailer" => WithCrc(IdxFiles.Gzip(IdxFiles.Idx([2, 28, 28], pixels)), 12345),
            "not gzip" => [.. IdxFiles.Idx([2, 28, 28], pixels)[..^4], .. BitConverter.GetBytes(1584)],
            "empty" => [],
            "huge compressed file" => new byte[2_000_000],
            "label out of range" => IdxFiles.Gzip(IdxFiles.Idx([2], [9, 10])),
            _ => throw new ArgumentException(damage),
        };
        if (damage is "bad label magic" or "label out of range") target = labels;
        File.WriteAllBytes(target, file);
        var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(dir.Path, 2, 1));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), e.Message);
        Assert.StartsWith(target + ": ", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<LayerGenFormatException>(e);
    }

    /// <summary>Rewrites a gzip trailer's ISIZE, so the damage gets past the envelope check to the stream.</summary>
    internal static byte[] WithTrailerLength(byte[] gz, uint length)
    {
        var copy = (byte[])gz.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(copy.Length - 4), length);
        return copy;
    }

    /// <summary>Rewrites a gzip trailer's CRC-32, which the decompressor checks at the end of the stream.</summary>
    private static byte[] WithCrc(byte[] gz, uint crc)
    {
        var copy = (byte[])gz.Clone();
        BitConverter.TryWriteBytes(copy.AsSpan(copy.Length - 8), crc);
        return copy;
    }

    [RealFashionMnistFact]
    public void RealFilesMatchAnIndependentReader()
    {
        // Facts printed by References/fashion_mnist_reference.py (Python's gzip + NumPy) for Debian's files.
        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.Load();
        Assert.Equal(new Shape(60000, 28, 28), xTrain.Shape);
        Assert.Equal(new Shape(60000), yTrain.Shape);
        Assert.Equal(new Shape(10000, 28, 28), xTest.Shape);
        Assert.Equal(new Shape(10000), yTest.Shape);
        Assert.Equal(DType.Float32, xTrain.DType);
        Assert.Equal(DType.Int32, yTrain.DType);

        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0, 6, 4], yTrain.AsSpan<int>()[..20].ToArray());
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0], yTest.AsSpan<int>()[..20].ToArray());
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, Count(yTrain, c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, Count(yTest, c)));
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[yTrain.AsSpan<int>()[0]]);

        Assert.Equal(3431114169L, ByteSum(xTrain, 0, 60000));
        Assert.Equal(573469082L, ByteSum(xTest, 0, 10000));
        Assert.Equal(76247L, ByteSum(xTrain, 0, 1));
        Assert.Equal(16684L, ByteSum(xTrain, 59999, 1));
        Assert.Equal(33456L, ByteSum(xTest, 0, 1));
        Assert.Equal(24390L, ByteSum(xTest, 9999, 1));
        Assert.Equal([0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221, 216, 223, 229, 215, 218, 255, 77, 0],
            Row(xTrain, 0, 14));
        Assert.Equal([0, 0, 0, 0, 0, 0, 2, 4, 1, 0, 0, 0, 98, 136, 110, 109, 110, 162, 135, 144, 149, 159, 167, 144, 158, 169, 119, 0],
            Row(xTest, 0, 14));
        Assert.Equal(0.286040602, Mean(xTrain), 1e-8);
        Assert.Equal(0.286849286, Mean(xTest), 1e-8);
    }

    private static int Count(Tensor labels, int c)
    {
        int n = 0;
        foreach (int l in labels.AsSpan<int>()) if (l == c) n++;
        return n;
    }

    /// <summary>The pixel bytes back from the scaled values (each is exactly (float)(b / 255.0)).</summary>
    private static int Byte(float v)
    {
        int b = (int)MathF.Round(v * 255f);
        Assert.Equal((float)(b / 255.0), v);
        return b;
    }

    private static long ByteSum(Tensor images, int first, int count)
    {
        long sum = 0;
        foreach (float v in images.AsSpan<float>().Slice(first * 784, count * 784)) sum += Byte(v);
        return sum;
    }

    private static int[] Row(Tensor images, int image, int row) => [.. images.AsSpan<float>().Slice(image * 784 + row * 28, 28).ToArray().Select(Byte)];

    private static double Mean(Tensor images)
    {
        double sum = 0;
        foreach (float v in images.AsSpan<float>()) sum += v;
        return sum / images.Shape.Size;
    }
}

/// <summary>A fact that reads Debian's Fashion-MNIST files: skipped, saying what to install, when they are absent.</summary>
public sealed class RealFashionMnistFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the files are not installed.</summary>
    public RealFashionMnistFactAttribute()
    {
        var missing = FashionMnist.FileNames.Select(n => Path.Combine(FashionMnist.DefaultDirectory, n)).FirstOrDefault(p => !File.Exists(p));
        if (missing is not null)
            Skip = $"{missing} is not installed: `{FashionMnist.InstallCommand}` (.ci/run installs it)";
    }
}

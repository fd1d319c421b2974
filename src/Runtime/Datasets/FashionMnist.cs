namespace LayerGen.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando's 28×28 grey images of clothes in 10 classes, 60,000 for training and 10,000 for
/// testing), read from the gzipped IDX files that Debian's <c>dataset-fashion-mnist</c> package installs, like
/// <c>keras.datasets.fashion_mnist.load_data()</c> but scaled to [0, 1]:
/// <code>
/// var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.Load();   // (60000, 28, 28) float32, (60000) int32, ...
/// </code>
/// Nothing is downloaded: when the files are missing, <see cref="Load(string?)"/> throws a
/// <see cref="DatasetNotFoundException"/> that says which package to install.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the files (<c>dpkg -L dataset-fashion-mnist</c>).</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs the files into <see cref="DefaultDirectory"/>.</summary>
    public const string InstallCommand = "sudo apt install dataset-fashion-mnist";

    /// <summary>The number of training images.</summary>
    public const int TrainCount = 60000;

    /// <summary>The number of test images.</summary>
    public const int TestCount = 10000;

    /// <summary>The height and width of an image.</summary>
    public const int ImageSize = 28;

    /// <summary>The file names, as the dataset's authors publish them.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ];

    /// <summary>The names of the 10 classes, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Reads the four files from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>): images
    /// float32 in [0, 1] of shape <c>(60000, 28, 28)</c> and <c>(10000, 28, 28)</c> (pixel / 255), labels int32
    /// in 0..9 of shape <c>(60000)</c> and <c>(10000)</c>.
    /// </summary>
    /// <exception cref="DatasetNotFoundException">A file is missing (the message names it and the package to install).</exception>
    /// <exception cref="DatasetFormatException">A file is damaged, truncated, oversized or has the wrong header.</exception>
    public static ImageClassificationData Load(string? directory = null) => Load(directory ?? DefaultDirectory, TrainCount, TestCount);

    /// <summary>Reads files of <paramref name="trainCount"/> and <paramref name="testCount"/> images (tests use small ones).</summary>
    internal static ImageClassificationData Load(string directory, int trainCount, int testCount)
    {
        var paths = FileNames.Select(name => Path.Combine(directory, name)).ToArray();
        foreach (var path in paths)
        {
            if (!File.Exists(path))
                throw new DatasetNotFoundException(
                    $"Fashion-MNIST: {path} does not exist. "
                    + (directory == DefaultDirectory
                        ? $"Install the dataset with `{InstallCommand}`, or pass the directory that holds {string.Join(", ", FileNames)}."
                        : $"The directory must hold {string.Join(", ", FileNames)} (`{InstallCommand}` installs them in {DefaultDirectory})."),
                    path);
        }
        return new ImageClassificationData(
            Images(paths[0], trainCount), Labels(paths[1], trainCount),
            Images(paths[2], testCount), Labels(paths[3], testCount));
    }

    /// <summary>pixel / 255 in float64 rounded to float32, as NumPy's <c>x / 255.0</c> then <c>astype("float32")</c>.</summary>
    private static readonly float[] Scale = [.. Enumerable.Range(0, 256).Select(b => (float)(b / 255.0))];

    private static Tensor Images(string path, int count)
    {
        var bytes = IdxFile.ReadBytes(path, [count, ImageSize, ImageSize]);
        var values = GC.AllocateUninitializedArray<float>(bytes.Length);
        var scale = Scale;
        for (int i = 0; i < bytes.Length; i++) values[i] = scale[bytes[i]];
        return Tensor.Wrap(values, new Shape(count, ImageSize, ImageSize));
    }

    private static Tensor Labels(string path, int count)
    {
        var bytes = IdxFile.ReadBytes(path, [count]);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (bytes[i] >= ClassNames.Count)
                throw new DatasetFormatException(path, $"label {bytes[i]} at index {i} is not a class (0..{ClassNames.Count - 1}).");
            labels[i] = bytes[i];
        }
        return Tensor.Wrap(labels, new Shape(count));
    }
}

using LayerGen.Datasets;

namespace LayerGen.Tests.Datasets;

/// <summary>
/// <see cref="Dataset.FromIdx"/>, <see cref="Dataset.FromNpy"/> and <see cref="Dataset.FromCsv(string, int?, bool, char)"/>:
/// the elements equal what the whole-file readers give, files are read during passes (not when the dataset is made),
/// and damaged files are DatasetFormatExceptions (at creation for headers, during the pass for the data).
/// </summary>
public class DatasetFileSourceTests
{
    [Fact]
    public void FromIdxStreamsTheImagesAndLabelsFashionMnistLoadReads()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, train: 37, test: 3);
        var whole = FashionMnist.Load(dir.Path, 37, 3);
        var ds = Dataset.FromIdx(dir["train-images-idx3-ubyte.gz"], dir["train-labels-idx1-ubyte.gz"]);
        Assert.Equal(37, ds.Cardinality);
        var rows = ds.ToList();
        Assert.Equal(37, rows.Count);
        Assert.Equal(new Shape(28, 28), rows[0].X.Shape);
        Assert.Equal(DType.Int32, rows[0].Y!.DType);
        Assert.Equal(whole.TrainImages.ToFloatArray(), rows.SelectMany(r => r.X.ToFloatArray()));
        Assert.Equal(whole.TrainLabels.ToArray<int>(), rows.Select(r => r.Y!.ToScalar<int>()));

        var batches = ds.Batch(16).Prefetch().ToList();
        Assert.Equal([16, 16, 5], batches.Select(b => b.X.Shape[0]));
        Assert.Equal(whole.TrainImages.ToFloatArray(), batches.SelectMany(b => b.X.ToFloatArray()));
        var raw = Dataset.FromIdx(dir["train-images-idx3-ubyte.gz"], divideBy: 1).SelectMany(r => r.X.ToFloatArray()).ToArray();
        Assert.Equal(0f, raw.Min());
        Assert.Equal(255f, raw.Max());
    }

    [Fact]
    public void FromIdxChecksHeadersAtOnceAndDataDuringThePass()
    {
        using var dir = new TempDirectory();
        IdxFiles.WriteSet(dir.Path, train: 10, test: 4);
        var e = Assert.Throws<DatasetFormatException>(() => Dataset.FromIdx(dir["train-images-idx3-ubyte.gz"], dir["t10k-labels-idx1-ubyte.gz"]));
        Assert.Contains("4 labels for the 10 images", e.Message, StringComparison.Ordinal);
        Assert.Contains("one-dimensional", Assert.Throws<DatasetFormatException>(() => Dataset.FromIdx(dir["t10k-images-idx3-ubyte.gz"], dir["t10k-images-idx3-ubyte.gz"])).Message, StringComparison.Ordinal);

        // A header claiming more images than the data holds: the trailer check refuses it when the dataset is made.
        var pixels = new byte[3 * 4];
        File.WriteAllBytes(dir["lying.gz"], IdxFiles.Gzip(IdxFiles.Idx([5, 2, 2], pixels)));
        Assert.Contains("gzip trailer", Assert.Throws<DatasetFormatException>(() => Dataset.FromIdx(dir["lying.gz"])).Message, StringComparison.Ordinal);

        // A file replaced after the dataset was made (same header, data cut short): refused during the pass, after the records it has.
        File.WriteAllBytes(dir["ok.gz"], IdxFiles.Gzip(IdxFiles.Idx([3, 2, 2], pixels)));
        var ds = Dataset.FromIdx(dir["ok.gz"]);
        Assert.Equal(3, ds.Count());
        var raw = IdxFiles.Idx([3, 2, 2], pixels);
        var gz = IdxFiles.Gzip(raw[..^6]);
        BitConverter.GetBytes(raw.Length).CopyTo(gz, gz.Length - 4); // a trailer that agrees with the header
        File.WriteAllBytes(dir["ok.gz"], gz);
        int read = 0;
        var cut = Assert.Throws<DatasetFormatException>(() => { foreach (var _ in ds) read++; });
        Assert.Contains("record 1", cut.Message, StringComparison.Ordinal); // truncated or damaged: either way found at the record it reached
        Assert.Equal(1, read);
        Assert.Contains("IDX magic", Assert.Throws<DatasetFormatException>(() => Dataset.FromIdx(WriteBadMagic(dir))).Message, StringComparison.Ordinal);
    }

    private static string WriteBadMagic(TempDirectory dir)
    {
        File.WriteAllBytes(dir["magic.gz"], IdxFiles.Gzip(IdxFiles.Idx([2], [1, 2], magic: 0x0D03)));
        return dir["magic.gz"];
    }

    [Fact]
    public void FromNpyStreamsRowsOfSeveralFilesInChunks()
    {
        using var dir = new TempDirectory();
        var x = Tensor.From(Enumerable.Range(0, 600 * 3).Select(i => i * 0.5f).ToArray(), [600, 3]);
        var y = Tensor.From(Enumerable.Range(0, 600).Select(i => i % 7).ToArray());
        File.WriteAllBytes(dir["x.npy"], NpyBytes("<f4", [600, 3], x.AsBytes()));
        File.WriteAllBytes(dir["y.npy"], NpyBytes("<i4", [600], y.AsBytes()));
        var ds = Dataset.FromNpy(dir["x.npy"], dir["y.npy"]);
        Assert.Equal(600, ds.Cardinality);
        var rows = ds.ToList();
        Assert.Equal(600, rows.Count);
        Assert.Equal(new Shape(3), rows[599].X.Shape);
        Assert.Equal(x.ToFloatArray(), rows.SelectMany(r => r.X.ToFloatArray()));
        Assert.Equal(y.ToArray<int>(), rows.Select(r => r.Y!.ToScalar<int>()));
        File.WriteAllBytes(dir["y5.npy"], NpyBytes("<i4", [5], new byte[20]));
        Assert.Contains("5 rows", Assert.Throws<DatasetFormatException>(() => Dataset.FromNpy(dir["x.npy"], dir["y5.npy"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCsvReadsNumbersWithALabelColumnAndNamesTheBadLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["d.csv"], "a,b,label,c\n1,2,0,3\n\n4.5,\"5\",1,-6e1\r\n");
        var byName = Dataset.FromCsv(dir["d.csv"], "label").ToList();
        Assert.Equal(2, byName.Count);
        Assert.Equal(new float[] { 4.5f, 5, -60 }, byName[1].X.ToFloatArray());
        Assert.Equal(1f, byName[1].Y!.ToScalar<float>());
        var last = Dataset.FromCsv(dir["d.csv"], labelColumn: -1).ToList();
        Assert.Equal(-60f, last[1].Y!.ToScalar<float>());
        Assert.Equal(new Shape(4), Dataset.FromCsv(dir["d.csv"]).First().X.Shape);
        Assert.Equal(Dataset.UnknownCardinality, Dataset.FromCsv(dir["d.csv"]).Cardinality);
        Assert.Contains("no column \"nope\"", Assert.Throws<ArgumentException>(() => Dataset.FromCsv(dir["d.csv"], "nope")).Message, StringComparison.Ordinal);

        File.WriteAllText(dir["bad.csv"], "a,b\n1,2\n3\n");
        var fields = Assert.Throws<DatasetFormatException>(() => Dataset.FromCsv(dir["bad.csv"]).ToList());
        Assert.Contains("line 3 has 1 fields, expected 2", fields.Message, StringComparison.Ordinal);
        File.WriteAllText(dir["bad.csv"], "a,b\n1,2\n3,x7\n");
        var number = Assert.Throws<DatasetFormatException>(() => Dataset.FromCsv(dir["bad.csv"], labelColumn: 0).ToList());
        Assert.Contains("line 3, column 2 (b): \"x7\" is not a number", number.Message, StringComparison.Ordinal);
        File.WriteAllText(dir["bad.csv"], "1,2\n3,4\n");
        Assert.Equal(2, Dataset.FromCsv(dir["bad.csv"], header: false).Count());
    }

    /// <summary>A version 1.0 .npy file.</summary>
    internal static byte[] NpyBytes(string descr, int[] shape, ReadOnlySpan<byte> data)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + header.Length + 1;
        header += new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte>(System.Text.Encoding.Latin1.GetBytes("\x93NUMPY")) { 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        bytes.AddRange(System.Text.Encoding.Latin1.GetBytes(header));
        bytes.AddRange(data.ToArray());
        return [.. bytes];
    }
}

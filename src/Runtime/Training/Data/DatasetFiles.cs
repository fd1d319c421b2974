namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>Rows read from a <c>.npy</c> file at a time (one read per chunk, then split into elements).</summary>
    private const int NpyChunkRows = 256;

    /// <summary>
    /// The images of a gzipped IDX file (the format of MNIST and Fashion-MNIST) and, if given, their labels from a
    /// second one, read lazily record by record on each pass: one element per image, x a float32 tensor of the
    /// dimensions after the first (28×28 for Fashion-MNIST) holding <c>pixel / divideBy</c> (the default gives the
    /// values of <c>FashionMnist.Load</c>, NumPy's <c>x / 255.0</c>), y an int32 scalar label. Both headers are read and
    /// checked now (the counts must agree); a file damaged further on is a <see cref="LayerGen.Datasets.DatasetFormatException"/>
    /// when the pass reaches it. Memory: one record per file.
    /// </summary>
    public static Dataset FromIdx(string imagesPath, string? labelsPath = null, double divideBy = 255)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        if (!(divideBy > 0) || double.IsInfinity(divideBy)) throw new ArgumentOutOfRangeException(nameof(divideBy), divideBy, "divideBy must be a positive number.");
        int count;
        int[] dims;
        using (var images = IdxRecordReader.Open(imagesPath))
        {
            count = images.Count;
            dims = [.. images.Dims.Skip(1)];
        }
        if (labelsPath is not null)
        {
            using var labels = IdxRecordReader.Open(labelsPath);
            if (labels.Dims.Count != 1)
                throw new DatasetFormatException(labelsPath, $"labels must be one-dimensional, the IDX header has dimensions ({string.Join(", ", labels.Dims)}).");
            if (labels.Count != count)
                throw new DatasetFormatException(labelsPath, $"{labels.Count} labels for the {count} images of {imagesPath}.");
        }
        var table = new float[256];
        for (int b = 0; b < 256; b++) table[b] = (float)(b / divideBy);
        var shape = new Shape(dims);
        return new Dataset(() => IdxElements(imagesPath, labelsPath, count, table, shape), count, false);
    }

    private static IEnumerable<DataBatch> IdxElements(string imagesPath, string? labelsPath, int count, float[] table, Shape shape)
    {
        using var images = IdxRecordReader.Open(imagesPath);
        using var labels = labelsPath is null ? null : IdxRecordReader.Open(labelsPath);
        if (images.Count != count || labels is not null && labels.Count != count)
            throw new DatasetFormatException(images.Count != count ? imagesPath : labelsPath!, $"the file changed since the dataset was made: it now holds {(images.Count != count ? images.Count : labels!.Count)} records, not {count}.");
        var record = new byte[images.RecordLength];
        var label = new byte[1];
        while (images.ReadRecord(record))
        {
            var values = GC.AllocateUninitializedArray<float>(record.Length);
            for (int i = 0; i < record.Length; i++) values[i] = table[record[i]];
            Tensor? y = null;
            if (labels is not null)
            {
                labels.ReadRecord(label);
                y = Tensor.Wrap(new[] { (int)label[0] }, Shape.Scalar);
            }
            yield return new DataBatch(Tensor.Wrap(values, shape), y, null);
        }
        labels?.ReadRecord(label); // checks that nothing follows the last label
    }

    /// <summary>
    /// The rows of <c>.npy</c> files (NumPy's <c>np.save</c>), read lazily in chunks on each pass: one element per row of
    /// <paramref name="xPath"/>, with the same row of <paramref name="yPath"/> and <paramref name="sampleWeightPath"/>
    /// if given. Headers are read and checked now (row counts must agree; see <see cref="NpyFile"/> for the dtypes
    /// read). Memory: one chunk of <c>256</c> rows per file.
    /// </summary>
    public static Dataset FromNpy(string xPath, string? yPath = null, string? sampleWeightPath = null)
    {
        ArgumentNullException.ThrowIfNull(xPath);
        string?[] paths = [xPath, yPath, sampleWeightPath];
        int rows = -1;
        foreach (var path in paths)
        {
            if (path is null) continue;
            using var npy = NpyFile.Open(path);
            if (npy.Shape.Rank == 0) throw new DatasetFormatException(path, "a 0-dimensional array has no rows to make elements of.");
            if (rows >= 0 && npy.Rows != rows)
                throw new DatasetFormatException(path, $"{npy.Rows} rows, but {xPath} has {rows}.");
            rows = npy.Rows;
        }
        return new Dataset(() => NpyElements(paths, rows), rows, false);
    }

    private static IEnumerable<DataBatch> NpyElements(string?[] paths, int rows)
    {
        var files = new NpyFile?[paths.Length];
        try
        {
            for (int i = 0; i < paths.Length; i++)
            {
                if (paths[i] is not { } path) continue;
                files[i] = NpyFile.Open(path);
                if (files[i]!.Shape.Rank == 0 || files[i]!.Rows != rows)
                    throw new DatasetFormatException(path, $"the file changed since the dataset was made: it no longer has {rows} rows.");
            }
            var chunks = new Tensor?[paths.Length];
            for (int start = 0; start < rows; start += NpyChunkRows)
            {
                int count = Math.Min(NpyChunkRows, rows - start);
                for (int i = 0; i < files.Length; i++) chunks[i] = files[i]?.ReadRows(start, count);
                for (int r = 0; r < count; r++)
                    yield return new DataBatch(RowOf(chunks[0]!, r), chunks[1] is { } y ? RowOf(y, r) : null, chunks[2] is { } w ? RowOf(w, r) : null);
            }
        }
        finally
        {
            foreach (var f in files) f?.Dispose();
        }
    }

    /// <summary>Row <paramref name="row"/> of <paramref name="chunk"/> as its own tensor (a copy; shape without the first axis).</summary>
    private static Tensor RowOf(Tensor chunk, int row)
    {
        var rowShape = new Shape(chunk.Shape.ToArray()[1..]);
        int size = rowShape.Size;
        var storage = Tensor.Allocate(chunk.DType, size);
        Array.Copy(chunk.Storage, (long)row * size, storage, 0, size);
        return new Tensor(storage, rowShape, chunk.DType);
    }

    /// <summary>
    /// The rows of a CSV file of numbers, read lazily line by line on each pass: x a float32 vector of every column but
    /// <paramref name="labelColumn"/> (an index; negative counts from the end; null: no label), y that column as a
    /// float32 scalar. With <paramref name="header"/> the first line names the columns. A malformed line is a
    /// <see cref="LayerGen.Datasets.DatasetFormatException"/> naming the line and column when the pass reaches it.
    /// The number of rows is not known before a pass (<see cref="UnknownCardinality"/>); add
    /// <see cref="Cache"/> or give <c>stepsPerEpoch</c> when that matters.
    /// </summary>
    public static Dataset FromCsv(string path, int? labelColumn = null, bool header = true, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using (var rows = CsvRows.Open(path, header, delimiter))
        {
            if (labelColumn is { } l && rows.Columns > 0 && (l >= rows.Columns || l < -rows.Columns))
                throw new ArgumentOutOfRangeException(nameof(labelColumn), l, $"{path} has {rows.Columns} columns.");
        }
        return new Dataset(() => CsvElements(path, labelColumn, header, delimiter), UnknownCardinality, false);
    }

    /// <summary>The rows of a CSV file with a header line, the label being the column named <paramref name="labelColumn"/>; see <see cref="FromCsv(string, int?, bool, char)"/>.</summary>
    public static Dataset FromCsv(string path, string labelColumn, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(labelColumn);
        int index;
        using (var rows = CsvRows.Open(path, header: true, delimiter)) index = rows.IndexOf(labelColumn);
        return FromCsv(path, index, header: true, delimiter);
    }

    private static IEnumerable<DataBatch> CsvElements(string path, int? labelColumn, bool header, char delimiter)
    {
        using var rows = CsvRows.Open(path, header, delimiter);
        while (rows.ReadRow() is { } values)
        {
            if (labelColumn is not { } l)
            {
                yield return new DataBatch(Tensor.Wrap(values, new Shape(values.Length)), null, null);
                continue;
            }
            int label = l < 0 ? l + values.Length : l;
            if (label < 0 || label >= values.Length)
                throw new DatasetFormatException(path, $"line {rows.LineNumber} has {values.Length} columns, no label column {l}.");
            var x = new float[values.Length - 1];
            values.AsSpan(0, label).CopyTo(x);
            values.AsSpan(label + 1).CopyTo(x.AsSpan(label));
            yield return new DataBatch(Tensor.Wrap(x, new Shape(x.Length)), Tensor.Wrap(new[] { values[label] }, Shape.Scalar), null);
        }
    }
}

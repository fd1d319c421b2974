namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>For a <see cref="FromFiles"/> source: its files and how one is read (so a rank can read its own files).</summary>
    private (string[] Paths, Func<string, Dataset> Read)? _files;

    /// <summary>
    /// The elements of several files, file after file (as tf.data's <c>TFRecordDataset(filenames)</c> or
    /// <c>Dataset.list_files(...).interleave(...)</c>): <paramref name="read"/> makes the dataset of one file (e.g.
    /// <c>path =&gt; Dataset.FromNpy(path)</c>), called for every file now (headers only, for the count) and read
    /// lazily on each pass. Under a data-parallel strategy (<see cref="AutoShardPolicy.Auto"/> or
    /// <see cref="AutoShardPolicy.File"/>) rank r of N reads only files r, r + N, ...
    /// </summary>
    public static Dataset FromFiles(IReadOnlyList<string> paths, Func<string, Dataset> read)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(read);
        if (paths.Count == 0) throw new ArgumentException("FromFiles: give at least one file.", nameof(paths));
        string[] list = [.. paths];
        var parts = new Dataset[list.Length];
        long count = 0;
        for (int i = 0; i < list.Length; i++)
        {
            parts[i] = read(list[i]) ?? throw new ArgumentException($"FromFiles: read returned no dataset for {list[i]}.", nameof(read));
            if (parts[i].IsBatched) throw new ArgumentException($"FromFiles: the dataset of {list[i]} is batched; read each file as single elements and batch the whole.", nameof(read));
            if (parts[i].Cardinality == InfiniteCardinality) throw new ArgumentException($"FromFiles: the dataset of {list[i]} never ends.", nameof(read));
            count = count < 0 || parts[i].Cardinality < 0 ? UnknownCardinality : count + parts[i].Cardinality;
        }
        var files = new Dataset(() => parts.SelectMany(p => p), count < 0 ? UnknownCardinality : (int)Math.Min(int.MaxValue, count), false);
        files._files = (list, read);
        return files;
    }
}

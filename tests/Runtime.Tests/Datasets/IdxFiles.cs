using System.Buffers.Binary;
using System.IO.Compression;

namespace LayerGen.Tests.Datasets;

/// <summary>Writes small gzipped IDX files (unsigned bytes) for the dataset tests.</summary>
internal static class IdxFiles
{
    /// <summary>An IDX file's bytes: magic <c>0x000008NN</c> (or <paramref name="magic"/>), the dimensions, the data.</summary>
    public static byte[] Idx(int[] dims, byte[] data, uint? magic = null)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic ?? (uint)(0x0800 | dims.Length));
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>Gzips <paramref name="raw"/>.</summary>
    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    /// <summary>The pixel bytes of image <paramref name="i"/> of a synthetic set: a pattern that uses 0 and 255.</summary>
    public static byte Pixel(int i, int row, int col) => (byte)((i * 131 + row * 28 + col) % 256);

    /// <summary>Writes a synthetic Fashion-MNIST directory of <paramref name="train"/> and <paramref name="test"/> images.</summary>
    public static void WriteSet(string directory, int train, int test)
    {
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            var pixels = new byte[count * 28 * 28];
            for (int i = 0; i < count; i++)
                for (int r = 0; r < 28; r++)
                    for (int c = 0; c < 28; c++) pixels[(i * 28 + r) * 28 + c] = Pixel(i, r, c);
            var labels = Enumerable.Range(0, count).Select(i => (byte)((i * 7 + 3) % 10)).ToArray();
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), Gzip(Idx([count, 28, 28], pixels)));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), Gzip(Idx([count], labels)));
        }
    }
}

/// <summary>A temporary directory, deleted with its files.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() { Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "layergen-datasets-" + Guid.NewGuid().ToString("N")[..10]); Directory.CreateDirectory(Path); }
    public string Path { get; }
    public string this[string relative] => System.IO.Path.Combine(Path, relative);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

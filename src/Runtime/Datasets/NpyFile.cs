using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LayerGen.Datasets;

/// <summary>
/// A NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0), read lazily row by row along the first axis:
/// <code>
/// using var npy = NpyFile.Open("x_train.npy");   // header read and checked, no data yet
/// Tensor row = npy.ReadRows(0, 1);                // shape (1, ...)
/// Tensor all = NpyFile.Load("y_train.npy");       // the whole array
/// </code>
/// Supported element types: little-endian <c>float32</c>, <c>float64</c>, <c>int32</c>, <c>int64</c>, and
/// <c>uint8</c>/<c>int8</c> (read as <c>int32</c>) and <c>bool</c>, C order. Files are not trusted: the header is at
/// most <see cref="MaximumHeaderLength"/> bytes and must be the dictionary NumPy writes (<c>descr</c>,
/// <c>fortran_order</c>, <c>shape</c>, nothing else), every dimension is checked, and the file must hold exactly the
/// bytes the shape needs; anything else is a <see cref="DatasetFormatException"/> naming the file, thrown before
/// any data is allocated.
/// </summary>
public sealed class NpyFile : IDisposable
{
    /// <summary>The largest header accepted (NumPy itself refuses headers over 10,000 bytes by default).</summary>
    public const int MaximumHeaderLength = 65536;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly FileStream _file;
    private readonly string _path;
    private readonly long _dataOffset;
    private readonly int _itemSize;
    private readonly char _kind;

    private NpyFile(string path, FileStream file, long dataOffset, int[] shape, char kind, int itemSize)
    {
        _path = path; _file = file; _dataOffset = dataOffset; _kind = kind; _itemSize = itemSize;
        Shape = new Shape(shape);
        DType = kind switch { 'f' => itemSize == 4 ? DType.Float32 : DType.Float64, 'i' when itemSize >= 4 => itemSize == 4 ? DType.Int32 : DType.Int64, 'b' => DType.Bool, _ => DType.Int32 };
        long row = 1;
        for (int i = 1; i < shape.Length; i++) row *= shape[i];
        RowElements = (int)row;
    }

    /// <summary>The array's shape.</summary>
    public Shape Shape { get; }

    /// <summary>The dtype of the tensors read (<c>uint8</c> and <c>int8</c> files give <see cref="DType.Int32"/>).</summary>
    public DType DType { get; }

    /// <summary>The number of rows (the first dimension).</summary>
    public int Rows => Shape[0];

    /// <summary>The elements of one row (the product of the dimensions after the first).</summary>
    public int RowElements { get; }

    /// <summary>Reads the whole array of <paramref name="path"/>.</summary>
    public static Tensor Load(string path)
    {
        using var npy = Open(path);
        if (npy.Shape.Rank == 0) return npy.ReadScalar();
        return npy.ReadRows(0, npy.Rows);
    }

    /// <summary>Opens <paramref name="path"/> and checks its header and length; rows are read on demand.</summary>
    public static NpyFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> pre = stackalloc byte[12];
            int got = file.ReadAtLeast(pre, 10, throwOnEndOfStream: false);
            if (got < 10 || !pre[..6].SequenceEqual(Magic))
                throw new DatasetFormatException(path, "not a .npy file (it does not start with \\x93NUMPY and a version).");
            byte major = pre[6], minor = pre[7];
            if (major is < 1 or > 3 || minor != 0)
                throw new DatasetFormatException(path, $".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are).");
            int prefix = major == 1 ? 10 : 12;
            if (got < prefix) throw new DatasetFormatException(path, "the .npy header length is cut off.");
            long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
            if (headerLength > MaximumHeaderLength)
                throw new DatasetFormatException(path, $"the .npy header claims {headerLength} bytes, more than the {MaximumHeaderLength} accepted.");
            if (prefix + headerLength > file.Length)
                throw new DatasetFormatException(path, $"truncated: the .npy header claims {headerLength} bytes but the file has {file.Length}.");
            var header = new byte[headerLength];
            file.Position = prefix;
            file.ReadExactly(header);
            string text;
            try { text = (major == 3 ? new UTF8Encoding(false, true) : Encoding.Latin1).GetString(header); }
            catch (DecoderFallbackException e) { throw new DatasetFormatException(path, "the .npy header is not valid UTF-8.", e); }
            var (descr, fortran, shape) = NpyHeader.Parse(text, path);
            if (fortran)
                throw new DatasetFormatException(path, "fortran_order is True: only C-order arrays are read (save with np.ascontiguousarray).");
            var (kind, itemSize) = ParseDescr(descr, path);
            long count = 1;
            foreach (int d in shape) count = checked(count * d);
            long dataLength = count * itemSize;
            long expected = prefix + headerLength + dataLength;
            if (file.Length < expected)
                throw new DatasetFormatException(path, $"truncated: shape ({string.Join(", ", shape)}) of {descr} needs {dataLength} data bytes, the file holds {file.Length - prefix - headerLength}.");
            if (file.Length > expected)
                throw new DatasetFormatException(path, $"oversized: {file.Length - expected} bytes follow the {dataLength} data bytes that shape ({string.Join(", ", shape)}) of {descr} needs.");
            long row = 1;
            for (int i = 1; i < shape.Length; i++) row *= shape[i];
            if (row * Math.Max(itemSize, 4) > int.MaxValue || count > int.MaxValue && shape.Length == 1)
                throw new DatasetFormatException(path, $"one row of shape ({string.Join(", ", shape)}) is too large to read.");
            return new NpyFile(path, file, prefix + headerLength, shape, kind, itemSize);
        }
        catch (OverflowException e)
        {
            file.Dispose();
            throw new DatasetFormatException(path, "the .npy shape's element count overflows.", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static (char Kind, int ItemSize) ParseDescr(string descr, string path)
    {
        if (descr.Length == 3 && descr[0] is '<' or '|' or '=' && (descr[1], descr[2]) is ('f', '4') or ('f', '8') or ('i', '4') or ('i', '8') or ('u', '1') or ('i', '1') or ('b', '1'))
            return (descr[1], descr[2] - '0');
        if (descr.Length > 0 && descr[0] == '>')
            throw new DatasetFormatException(path, $"dtype '{descr}' is big-endian: save the array as little-endian (arr.astype('<{descr[1..]}')).");
        throw new DatasetFormatException(path, $"dtype '{descr}' is not supported (float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8', uint8 '|u1', int8 '|i1', bool '|b1').");
    }

    private Tensor ReadScalar()
    {
        var bytes = new byte[_itemSize];
        _file.Position = _dataOffset;
        _file.ReadExactly(bytes);
        return Convert(bytes, 1, Shape.Scalar);
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as a tensor of shape (count, ...).</summary>
    public Tensor ReadRows(int start, int count)
    {
        if (Shape.Rank == 0) throw new InvalidOperationException($"{_path}: a 0-dimensional array has no rows.");
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Rows) throw new ArgumentOutOfRangeException(nameof(count), $"rows {start}..{start + count} of {Rows}.");
        long elements = (long)count * RowElements;
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)(elements * _itemSize)));
        _file.Position = _dataOffset + (long)start * RowElements * _itemSize;
        _file.ReadExactly(bytes);
        var dims = Shape.ToArray();
        dims[0] = count;
        return Convert(bytes, (int)elements, new Shape(dims));
    }

    /// <summary>Row <paramref name="index"/> without the first axis (shape: the dimensions after the first).</summary>
    public Tensor ReadRow(int index)
    {
        var t = ReadRows(index, 1);
        return new Tensor(t.Storage, new Shape(Shape.ToArray()[1..]), t.DType);
    }

    private Tensor Convert(byte[] bytes, int elements, Shape shape)
    {
        switch (_kind, _itemSize)
        {
            case ('f', 4): return Tensor.Wrap(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape);
            case ('f', 8): return Tensor.Wrap(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape);
            case ('i', 4): return Tensor.Wrap(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape);
            case ('i', 8): return Tensor.Wrap(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape);
            case ('b', 1):
            {
                var values = new bool[elements];
                for (int i = 0; i < elements; i++)
                {
                    if (bytes[i] > 1) throw new DatasetFormatException(_path, $"bool element {i} of the rows read holds byte {bytes[i]}, not 0 or 1.");
                    values[i] = bytes[i] != 0;
                }
                return Tensor.Wrap(values, shape);
            }
            default:
            {
                var values = new int[elements];
                if (_kind == 'u') for (int i = 0; i < elements; i++) values[i] = bytes[i];
                else for (int i = 0; i < elements; i++) values[i] = (sbyte)bytes[i];
                return Tensor.Wrap(values, shape);
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"NpyFile({_path}, shape {Shape}, {DType})");
}

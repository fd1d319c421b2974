using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Tensors;

/// <summary>
/// An n-dimensional array of one <see cref="DType"/>, stored densely in row-major order, or a
/// symbolic tensor (shape and dtype only, possibly with unknown dimensions) produced while tracing a
/// graph or building a functional model. Tensors are immutable; <see cref="Variable"/> is the mutable kind.
/// </summary>
public partial class Tensor
{
    /// <summary>The element array (<c>float[]</c>, <c>double[]</c>, <c>int[]</c>, <c>long[]</c> or <c>bool[]</c>); null when symbolic.</summary>
    private protected Array? _storage;

    /// <summary>
    /// The owner of <see cref="_storage"/> when it came from <see cref="TensorStoragePool"/> (shared by the views of
    /// that storage); null otherwise. See docs/design/tensor-storage.md.
    /// </summary>
    private StorageLease? _lease;

    internal Tensor(Array storage, Shape shape, DType dtype)
    {
        if (!shape.IsFullyDefined)
            throw new ArgumentException($"A concrete tensor needs a fully defined shape, got {shape}.", nameof(shape));
        if (storage.Length != shape.Size)
            throw new ArgumentException($"Storage holds {storage.Length} elements but shape {shape} needs {shape.Size}.", nameof(storage));
        _storage = storage;
        Shape = shape;
        DType = dtype;
    }

    /// <summary>Creates a symbolic tensor produced by <paramref name="node"/> (null for a graph input).</summary>
    internal Tensor(TensorSpec spec, OpNode? node, string? name = null)
    {
        Shape = spec.Shape;
        DType = spec.DType;
        Node = node;
        SymbolicName = name;
    }

    /// <summary>Creates a symbolic placeholder: an input of a graph or functional model.</summary>
    public static Tensor Placeholder(Shape shape, DType dtype = DType.Float32, string? name = null)
        => new(new TensorSpec(shape, dtype), null, name);

    /// <summary>The shape.</summary>
    public Shape Shape { get; private protected set; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Shape and dtype together.</summary>
    public TensorSpec Spec => new(Shape, DType);

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>Number of elements (throws for a symbolic tensor with unknown dimensions).</summary>
    public int Size => Shape.Size;

    /// <summary>True when the tensor has no values, only a spec (see <see cref="Placeholder"/>).</summary>
    public bool IsSymbolic => _storage is null && !_deferred;

    /// <summary>
    /// Set by a concrete tensor whose values are computed on first read (<see cref="IndexedSlices"/>): its storage is
    /// null until <see cref="MaterializeStorage"/> fills it.
    /// </summary>
    private protected bool _deferred;

    /// <summary>Computes the storage of a deferred tensor (<see cref="_deferred"/>) on its first read.</summary>
    private protected virtual Array MaterializeStorage() => throw new InvalidOperationException("Only a deferred tensor materializes its storage.");

    /// <summary>Whether a deferred tensor has not computed its values yet (an unread <see cref="IndexedSlices"/>).</summary>
    internal bool IsDeferredUnread => _deferred && _storage is null;

    /// <summary>For a symbolic tensor: the op application that produced it (null for placeholders).</summary>
    public OpNode? Node { get; }

    /// <summary>For a symbolic placeholder: its name, if any.</summary>
    public string? SymbolicName { get; }

    /// <summary>
    /// The element array. Handing out the array lets the caller keep it beyond this tensor's lifetime, so a pooled
    /// array is marked escaped and never goes back to <see cref="TensorStoragePool"/> (so are
    /// <see cref="AsSpan{T}"/>, <see cref="Data{T}"/> and <see cref="Array{T}"/>). Kernels read and write through
    /// <see cref="Lend{T}"/> instead.
    /// </summary>
    internal Array Storage
    {
        get
        {
            var storage = StorageOrThrow;
            _lease?.Escape();
            return storage;
        }
    }

    private Array StorageOrThrow => _storage ?? (_deferred ? _storage = MaterializeStorage() : throw new InvalidOperationException(
        $"This tensor is symbolic (spec {Spec}): it has no values. Symbolic tensors come from Keras.Input or tracing; call the model on real tensors to get values."));

    /// <summary>The elements as a read-only span; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => Data<T>();

    internal Span<T> Data<T>() where T : unmanaged
    {
        if (Storage is T[] arr) return arr;
        throw new DTypeMismatchException("AsSpan", $"tensor has dtype {DType.Name()}, which is not stored as {typeof(T).Name}.");
    }

    internal T[] Array<T>() where T : unmanaged
        => Storage as T[] ?? throw new DTypeMismatchException("AsSpan", $"tensor has dtype {DType.Name()}, which is not stored as {typeof(T).Name}.");

    /// <summary>
    /// The elements, lent without marking a pooled array escaped. The caller must keep this tensor reachable until
    /// its last use of the span: hold the span only inside one method that ends with <c>GC.KeepAlive(tensor)</c> (or
    /// returns the tensor), never store it, never let it outlive the call. Kernels of the hot ops use it
    /// (docs/design/tensor-storage.md lists the rules and the call sites).
    /// </summary>
    internal Span<T> Lend<T>() where T : unmanaged
    {
        if (StorageOrThrow is T[] arr) return arr;
        throw new DTypeMismatchException("AsSpan", $"tensor has dtype {DType.Name()}, which is not stored as {typeof(T).Name}.");
    }

    /// <summary>Whether this tensor and <paramref name="other"/> read the same element array (an identity check: nothing escapes).</summary>
    internal bool SharesStorageWith(Tensor other) => _storage is not null && ReferenceEquals(_storage, other._storage);

    /// <summary>Sets every element to zero (a planned buffer a kernel asked to be zeroed).</summary>
    internal void ClearStorage() => System.Array.Clear(StorageOrThrow);

    /// <summary>The identity hash of the element array (tests: whether two tensors got the same array; nothing escapes).</summary>
    internal int StorageIdentity => RuntimeHelpers.GetHashCode(StorageOrThrow);

    /// <summary>True when the storage came from <see cref="TensorStoragePool"/> and has not escaped (tests).</summary>
    internal bool HasPooledStorage => _lease is { Escaped: false };

    /// <summary>A copy of the elements in row-major order.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var copy = Lend<T>().ToArray();
        GC.KeepAlive(this);
        return copy;
    }

    /// <summary>The elements converted to float, whatever the dtype.</summary>
    public float[] ToFloatArray() => DType == DType.Float32 ? ToArray<float>() : Ops.Cast(this, DType.Float32).ToArray<float>();

    /// <summary>The elements converted to double, whatever the dtype.</summary>
    public double[] ToDoubleArray() => DType == DType.Float64 ? ToArray<double>() : Ops.Cast(this, DType.Float64).ToArray<double>();

    /// <summary>The single value of a one-element tensor.</summary>
    public T ToScalar<T>() where T : unmanaged
    {
        var s = Lend<T>();
        if (s.Length != 1) throw new ShapeMismatchException("ToScalar", $"tensor of shape {Shape} has {s.Length} elements, not one.", Shape);
        var value = s[0];
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>The element at a full index, e.g. <c>t.At&lt;float&gt;(1, 2)</c>; negative indices count from the end.</summary>
    public T At<T>(params ReadOnlySpan<int> index) where T : unmanaged
    {
        if (index.Length != Rank)
            throw new ShapeMismatchException("At", $"index has {index.Length} components but the tensor has rank {Rank} (shape {Shape}).", Shape);
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int d = Shape[i], k = index[i] < 0 ? index[i] + d : index[i];
            if (k < 0 || k >= d) throw new IndexOutOfRangeException($"At: index {index[i]} is out of range for axis {i} of size {d} (shape {Shape}).");
            flat = flat * d + k;
        }
        var value = Lend<T>()[flat];
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along the first axis (differentiable).</summary>
    public Tensor this[int index] => Ops.IndexAxis0(this, index);

    /// <summary>Elements <paramref name="range"/> along the first axis (differentiable).</summary>
    public Tensor this[Range range]
    {
        get
        {
            if (Rank == 0) throw new ShapeMismatchException("Slice", "cannot slice a scalar.", Shape);
            var (start, length) = range.GetOffsetAndLength(Shape[0]);
            var begin = new int[Rank];
            var size = Shape.ToArray();
            begin[0] = start;
            size[0] = length;
            return Ops.Slice(this, begin, size);
        }
    }

    /// <summary>The raw bytes of the elements (little-endian on every platform .NET runs on).</summary>
    public ReadOnlySpan<byte> AsBytes() => DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes(AsSpan<float>()),
        DType.Float64 => MemoryMarshal.AsBytes(AsSpan<double>()),
        DType.Int32 => MemoryMarshal.AsBytes(AsSpan<int>()),
        DType.Int64 => MemoryMarshal.AsBytes(AsSpan<long>()),
        DType.Bool => MemoryMarshal.AsBytes(AsSpan<bool>()),
        _ => throw new InvalidOperationException(),
    };

    internal static Array Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new float[length],
        DType.Float64 => new double[length],
        DType.Int32 => new int[length],
        DType.Int64 => new long[length],
        DType.Bool => new bool[length],
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>A new concrete tensor of zeros with the given spec (internal: for kernels to fill).</summary>
    internal static Tensor Empty(Shape shape, DType dtype) => new(Allocate(dtype, shape.Size), shape, dtype);

    /// <summary>A new concrete tensor whose elements are not initialised (internal: for kernels that write every element).</summary>
    internal static Tensor Uninitialized(Shape shape, DType dtype) => new(dtype switch
    {
        DType.Float32 => GC.AllocateUninitializedArray<float>(shape.Size),
        DType.Float64 => GC.AllocateUninitializedArray<double>(shape.Size),
        DType.Int32 => GC.AllocateUninitializedArray<int>(shape.Size),
        DType.Int64 => GC.AllocateUninitializedArray<long>(shape.Size),
        _ => Allocate(dtype, shape.Size),
    }, shape, dtype);

    /// <summary>
    /// A new concrete tensor for a kernel's output: from <see cref="TensorStoragePool"/> when it is large enough
    /// (zero-filled when <paramref name="zeroed"/>), else <see cref="Empty"/> or <see cref="Uninitialized"/>.
    /// </summary>
    internal static Tensor Rent(Shape shape, DType dtype, bool zeroed)
    {
        if (TensorStoragePool.Rent(dtype, shape.Size) is not { } lease)
            return zeroed ? Empty(shape, dtype) : Uninitialized(shape, dtype);
        if (zeroed) System.Array.Clear(lease.Array);
        var tensor = new Tensor(lease.Array, shape, dtype) { _lease = lease };
        lease.AddOwner(tensor);
        return tensor;
    }

    /// <summary>Wraps an existing array without copying (internal: the caller gives up the array).</summary>
    internal static Tensor Wrap<T>(T[] data, Shape shape) where T : unmanaged => new(data, shape, DTypes.Of<T>());

    /// <summary>True when this tensor's storage may change after creation (variables).</summary>
    internal virtual bool IsMutable => false;

    /// <summary>Called after an op wrote this (mutable) tensor's storage in place; variables raise their version.</summary>
    internal virtual void MarkChanged() { }
}

public partial class Tensor
{
    /// <summary>The same elements under another shape of equal size; shares storage unless the source is mutable.</summary>
    internal static Tensor Reinterpret(Tensor x, Shape shape)
    {
        if (x.IsMutable) return new Tensor((Array)x.Storage.Clone(), shape, x.DType);
        // A view: it shares the storage and therefore its owner, so the array stays out of the pool while either is reachable.
        var view = new Tensor(x.StorageOrThrow, shape, x.DType) { _lease = x._lease };
        view._lease?.AddOwner(view);
        return view;
    }
}

using System.Runtime.InteropServices;

namespace LayerGen.Tensors;

/// <summary>
/// The owner of one pooled element array (<see cref="TensorStoragePool"/>). Every tensor that can see the array (the
/// tensor a kernel made and the views sharing its storage) references this object, and is registered here through a
/// weak GC handle that tracks resurrection (a <see cref="GCHandle"/>, not a <c>WeakReference</c>: a
/// <c>WeakReference</c> is itself finalizable, and its finalizer can free the handle before this one reads it). When the garbage collector finds the lease unreachable, its finalizer
/// gives the array back to the pool, unless the array has <see cref="Escape">escaped</see> (a span or the array itself
/// was handed to code that might keep it after the tensors are gone: it is then left to the GC) or one of the tensors
/// is still alive (another finalizer of the same collection can still reach it: the lease waits for a later
/// collection). Why this is safe: docs/design/tensor-storage.md.
/// </summary>
internal sealed class StorageLease
{
    private readonly Array _array;
    private readonly long _bytes;
    private readonly List<GCHandle> _owners = new(1);
    private int _escaped;

    internal StorageLease(Array array, long bytes)
    {
        _array = array;
        _bytes = bytes;
    }

    /// <summary>The pooled array.</summary>
    internal Array Array => _array;

    /// <summary>Whether the array has escaped (it will not go back to the pool).</summary>
    internal bool Escaped => Volatile.Read(ref _escaped) != 0;

    /// <summary>Registers a tensor that sees the array (the first owner, then each view).</summary>
    internal void AddOwner(Tensor owner)
    {
        var weak = GCHandle.Alloc(owner, GCHandleType.WeakTrackResurrection);
        lock (_owners) _owners.Add(weak);
    }

    /// <summary>Marks the array as escaped: it never returns to the pool (called by every accessor that hands out the array or a span of it for an unbounded time).</summary>
    internal void Escape()
    {
        if (Volatile.Read(ref _escaped) == 0 && Interlocked.Exchange(ref _escaped, 1) == 0)
            TensorStoragePool.OnEscaped(_bytes);
    }

    /// <summary>
    /// Runs once a collection found the lease unreachable, hence every tensor that references it unreachable from the
    /// roots. A tensor can still be alive when a finalizable object that references it was found unreachable by the
    /// same collection (that finalizer may read it or store it somewhere): its resurrection-tracking weak reference
    /// then still has a target, and the lease asks to be finalized again after a later collection. Otherwise no object
    /// anywhere refers to a tensor of this array, and it goes back to the pool.
    /// </summary>
    ~StorageLease()
    {
        lock (_owners)
        {
            if (Volatile.Read(ref _escaped) == 0)
            {
                foreach (var owner in _owners)
                {
                    if (owner.Target is not null)
                    {
                        GC.ReRegisterForFinalize(this);
                        return;
                    }
                }
            }
            foreach (var owner in _owners) owner.Free();
            _owners.Clear();
        }
        if (Volatile.Read(ref _escaped) == 0) TensorStoragePool.Return(_array, _bytes);
    }
}

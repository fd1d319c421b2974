using System.Runtime.CompilerServices;

namespace LayerGen.Tests;

/// <summary>
/// The eager storage pool (docs/design/tensor-storage.md): large kernel outputs come from it, go back only when no
/// tensor can see them, and never while a span handed out by the public API, a view or a resurrected tensor can
/// still read them. Each test uses its own element count, so tests running in parallel do not share buckets.
/// </summary>
public class TensorStoragePoolTests
{
    /// <summary>Collections until finalizers have run twice over (a lease waits at most one extra round).</summary>
    private static void CollectAll()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static Tensor Filled(int rows, int cols, float value) => Tensor.Full([rows, cols], value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AddAndDrop(Tensor x, Tensor y) => Ops.Add(x, y).StorageIdentity;

    [Fact]
    public void LargeOutputsArePooledAndSmallOnesAreNot()
    {
        var big = Ops.Add(Filled(512, 517, 1), Filled(512, 517, 2));
        Assert.True(big.HasPooledStorage);
        Assert.All(big.ToArray<float>(), v => Assert.Equal(3f, v));
        var small = Ops.Add(Filled(4, 5, 1), Filled(4, 5, 2));
        Assert.False(small.HasPooledStorage);
        var product = Ops.MatMul(Filled(512, 8, 1), Filled(8, 519, 1));
        Assert.True(product.HasPooledStorage);
        Assert.Equal(8f, product.At<float>(511, 518));
    }

    [Fact]
    public void GatherOutputsAndTheirGradientsStayPooled()
    {
        var table = Tensor.From(Enumerable.Range(0, 600 * 523).Select(i => (float)i).ToArray(), [600, 523]);
        var rows = Tensor.From(Enumerable.Range(0, 512).Select(i => (i * 7) % 600).ToArray());
        var picked = Ops.Gather(table, rows);
        Assert.True(picked.HasPooledStorage); // the kernel lends its output's span instead of escaping it
        Assert.Equal((float)(7 * 3 * 523 + 5), picked.At<float>(3, 5));
        // Along axis 0 an eager gradient is row-sparse (IndexedSlices, dense only when read); along another axis it is
        // the dense kernel's output, which must stay pooled too.
        Assert.IsType<IndexedSlices>(OpRunner.Run(new GatherGradOp(0), Tensor.OnesLike(picked), rows, table));
        var columns = Tensor.From(Enumerable.Range(0, 512).Select(i => (i * 7) % 523).ToArray());
        var pickedColumns = Ops.Gather(table, columns, axis: 1);
        Assert.True(pickedColumns.HasPooledStorage);
        var grad = OpRunner.Run(new GatherGradOp(1), Tensor.OnesLike(pickedColumns), columns, table);
        Assert.True(grad.HasPooledStorage);
        Assert.Equal(1f, grad.At<float>(0, 7));
        Assert.Equal(0f, grad.At<float>(0, 446)); // column 446 is never picked (only i = 512 would give it)
    }

    [Fact]
    public void AnArrayWhoseTensorsAreGoneIsReused()
    {
        var x = Filled(512, 521, 1);
        var y = Filled(512, 521, 2);
        int first = AddAndDrop(x, y);
        CollectAll();
        long reusedBefore = TensorStoragePool.ReuseCount;
        var again = Ops.Mul(x, y);
        Assert.Equal(first, again.StorageIdentity);
        Assert.True(TensorStoragePool.ReuseCount > reusedBefore);
        Assert.All(again.ToArray<float>(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void APoolFullOfSizesNoLongerUsedStillTakesBackTheSizeInUse()
    {
        // Idle arrays of other sizes (as other code in the process, or earlier shapes, leave behind) fill the pool to
        // its limit; the array returned now makes room by dropping the least recently used sizes instead of being
        // refused: before, a pool filled once kept its first sizes for good.
        long stale = 0;
        for (int i = 0; stale <= TensorStoragePool.MaxIdleBytes; i++)
        {
            var array = new float[300_001 + 2 * i];
            TensorStoragePool.Return(array, array.Length * 4L);
            stale += array.Length * 4L;
        }
        Assert.True(TensorStoragePool.IdleBytes <= TensorStoragePool.MaxIdleBytes);
        var x = Filled(512, 547, 1);
        var y = Filled(512, 547, 2);
        int first = AddAndDrop(x, y);
        CollectAll();
        Assert.True(TensorStoragePool.IdleBytes <= TensorStoragePool.MaxIdleBytes);
        Assert.Equal(first, Ops.Mul(x, y).StorageIdentity);
    }

    [Fact]
    public void ASpanFromTheApiKeepsItsArrayOutOfThePool()
    {
        // The tensor is unreachable right after AsSpan; only the span still reads the array.
        ReadOnlySpan<float> span = Ops.Add(Filled(512, 523, 1), Filled(512, 523, 2)).AsSpan<float>();
        CollectAll();
        var x = Filled(512, 523, 10);
        for (int i = 0; i < 8; i++) _ = Ops.Add(x, x);
        foreach (var v in span) Assert.Equal(3f, v);
    }

    [Fact]
    public void AViewKeepsTheArrayOfItsBase()
    {
        var view = MakeView();
        CollectAll();
        var x = Filled(512, 527, 10);
        for (int i = 0; i < 8; i++) _ = Ops.Add(x, x);
        Assert.True(view.HasPooledStorage);
        Assert.All(view.ToArray<float>(), v => Assert.Equal(3f, v));

        [MethodImpl(MethodImplOptions.NoInlining)]
        static Tensor MakeView() => Ops.Reshape(Ops.Add(Filled(512, 527, 1), Filled(512, 527, 2)), [527, 512]);
    }

    [Fact]
    public void AnInPlaceResultSharesTheOwner()
    {
        var x = Filled(512, 529, 1);
        var sum = Ops.Add(x, x);
        var relu = OpRunner.RunOverFirstInput(Operations.ReluOp.Instance, sum);
        Assert.True(relu.SharesStorageWith(sum));
        sum = null!;
        CollectAll();
        for (int i = 0; i < 8; i++) _ = Ops.Add(x, x);
        Assert.All(relu.ToArray<float>(), v => Assert.Equal(2f, v));
    }

    private sealed class Resurrector(Tensor tensor)
    {
        public static Tensor? Revived;
        private readonly Tensor _tensor = tensor;
        ~Resurrector() => Revived = _tensor;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeResurrector() => _ = new Resurrector(Ops.Add(Filled(512, 531, 1), Filled(512, 531, 2)));

    [Fact]
    public void ATensorResurrectedByAFinalizerKeepsItsArray()
    {
        MakeResurrector();
        CollectAll();
        var revived = Resurrector.Revived;
        Assert.NotNull(revived);
        var x = Filled(512, 531, 10);
        for (int i = 0; i < 8; i++) _ = Ops.Add(x, x);
        Assert.All(revived.ToArray<float>(), v => Assert.Equal(3f, v));
        Resurrector.Revived = null;
    }

    [Fact]
    public void ConcurrentEagerOpsWithCollectionsStayCorrect()
    {
        // Threads chain pooled ops and check every result while outputs are recycled between them.
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            var x = Filled(256, 1031, t + 1);
            for (int i = 0; i < 40; i++)
            {
                var a = Ops.Add(x, x);                 // 2(t+1)
                var b = Ops.Mul(a, x);            // 2(t+1)^2
                var c = Ops.Relu(Ops.Sub(b, a));  // 2(t+1)^2 - 2(t+1)
                float expected = 2f * (t + 1) * (t + 1) - 2f * (t + 1);
                var values = c.ToArray<float>();
                if (values.Any(v => v != expected)) errors.Add($"thread {t} step {i}: expected {expected}, got {values.First(v => v != expected)}");
                if (i % 10 == 0) GC.Collect(1);
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);
    }

    [Fact]
    public void PoolSettingsAreValidated()
    {
        long min = TensorStoragePool.MinimumBytes;
        TensorStoragePool.MinimumBytes = -5;
        Assert.Equal(1, TensorStoragePool.MinimumBytes);
        TensorStoragePool.MinimumBytes = min;
        Assert.Equal(1 << 20, TensorStoragePool.MinimumBytes);
        Assert.True(TensorStoragePool.MaxIdleBytes > 0);
        Assert.True(TensorStoragePool.CollectionThresholdBytes > 0);
    }
}

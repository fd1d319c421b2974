using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Prepares up to <paramref name="bufferSize"/> elements ahead on a background thread (<see cref="Autotune"/>: 2),
    /// as <c>dataset.prefetch</c>: the thread runs everything before this point (reading, mapping, shuffling, batching)
    /// while the consumer works on the previous element (the training step). An exception on the thread is rethrown to
    /// the consumer, unchanged, after the elements before it; disposing the enumerator (a loop that breaks, an
    /// exception in the step) stops the thread and waits for it, so no thread outlives its pass.
    /// </summary>
    public Dataset Prefetch(int bufferSize = Autotune)
    {
        if (bufferSize == Autotune) bufferSize = 2;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        int size = bufferSize;
        return Derive(() => Prefetched(this, size), Cardinality).Linked(Stage.Prefetch, this, (d, _) => d.Prefetch(size));
    }

    private static IEnumerable<DataBatch> Prefetched(Dataset source, int bufferSize)
    {
        var channel = Channel.CreateBounded<DataBatch>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var input = source.GetEnumerator();
                while (!stop.IsCancellationRequested && input.MoveNext())
                {
                    var element = input.Current;
                    if (!channel.Writer.TryWrite(element))
                        channel.Writer.WriteAsync(element, stop.Token).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { /* the consumer stopped */ }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { channel.Writer.TryComplete(); }
        })
        { IsBackground = true, Name = "LayerGen Dataset.Prefetch" };
        thread.Start();
        try
        {
            var reader = channel.Reader;
            while (true)
            {
                if (reader.TryRead(out var element))
                {
                    yield return element;
                    continue;
                }
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
            }
            thread.Join();
            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }
    }
}

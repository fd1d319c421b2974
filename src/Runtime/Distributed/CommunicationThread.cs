using System.Collections.Concurrent;

namespace LayerGen.Distributed;

/// <summary>
/// One background thread that runs a rank's collectives in the order they were queued, so an all-reduce can proceed
/// while the training thread goes on with the backward pass. MPI is initialised with <c>MPI_THREAD_SERIALIZED</c>:
/// calls from this thread and the training thread never overlap (the communicator serialises them), and every
/// collective of a step is queued here, in the same order on every rank, so the ranks match them up.
/// </summary>
internal sealed class CommunicationThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = [];
    private readonly Thread _thread;

    public CommunicationThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "LayerGen MPI communication" };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="work"/>; the task completes (or faults) when it has run.</summary>
    public Task Enqueue(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((work, done));
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the thread, after everything queued before it, and waits for it.</summary>
    public void Run(Action work) => Enqueue(work).GetAwaiter().GetResult();

    private void Loop()
    {
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            try { work(); done.SetResult(); }
            catch (Exception e) { done.SetException(e); }
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }
}

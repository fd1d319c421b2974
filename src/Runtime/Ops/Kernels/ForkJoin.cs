using System.Diagnostics;

namespace LayerGen.Kernels;

/// <summary>
/// A small fork-join pool for kernels, like the thread pools of OpenBLAS and ONNX Runtime: one worker per
/// extra core, which spins for a short while after each job so that the next product of a forward pass
/// starts without a thread wake-up, then sleeps. <see cref="Run"/> runs part 0 on the calling thread and the
/// others on the workers, and returns when all are done. A second caller arriving while the pool is busy
/// (two threads running models at once) runs its parts itself rather than waiting: never oversubscribed.
/// </summary>
internal static class ForkJoin
{
    /// <summary>How long a worker spins for the next job before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>A sleeping worker re-checks for work this often even without a signal.</summary>
    private const int WakeCheckMilliseconds = 20;

    private static int s_busy; // 1 while a job runs; not reentrant, so a part that calls Run again runs inline
    private static Worker[]? s_workers;
    private static Action<int>? s_body;
    private static int s_generation;
    private static int s_pending;
    private static int s_forked;
    private static Exception? s_failure;

    /// <summary>The most parts <see cref="Run"/> runs at once: the processor count.</summary>
    public static int MaxParallelism { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="body"/>(0 … <paramref name="parts"/> − 1), in parallel when the pool is free.</summary>
    public static void Run(int parts, Action<int> body)
    {
        if (parts <= 1 || MaxParallelism == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++) body(i);
            return;
        }
        try
        {
            var workers = s_workers ??= StartWorkers();
            // Parts beyond the worker count run on the caller after its own.
            int forked = Math.Min(parts - 1, workers.Length);
            s_body = body;
            s_failure = null;
            s_forked = forked;
            Volatile.Write(ref s_pending, forked);
            Interlocked.Increment(ref s_generation);
            for (int w = 0; w < forked; w++) workers[w].Wake();
            body(0);
            for (int i = forked + 1; i < parts; i++) body(i);
            // The workers are running (or about to): poll tightly rather than with SpinWait's growing back-off,
            // which can overshoot a short wait by microseconds; yield only if the wait gets long.
            long waitStart = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref s_pending) != 0)
            {
                if (Stopwatch.GetTimestamp() - waitStart < SpinTicks) Thread.SpinWait(1);
                else Thread.Yield();
            }
            s_body = null;
            if (s_failure is { } failure) throw new AggregateException("A parallel kernel part failed.", failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static Worker[] StartWorkers()
    {
        var workers = new Worker[MaxParallelism - 1];
        for (int i = 0; i < workers.Length; i++) workers[i] = new Worker(i + 1);
        return workers;
    }

    private sealed class Worker
    {
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private readonly int _startGeneration;
        private int _sleeping;

        public Worker(int part)
        {
            _part = part;
            _startGeneration = Volatile.Read(ref s_generation); // before the first job is posted
            new Thread(Loop) { IsBackground = true, Name = $"LayerGen kernel worker {part}" }.Start();
        }

        /// <summary>Called after the generation changed: wakes the worker if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        private void Loop()
        {
            int seen = _startGeneration;
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref s_generation) == seen)
                {
                    if (Stopwatch.GetTimestamp() - start < SpinTicks) { Thread.SpinWait(1); continue; }
                    // A full fence between announcing sleep and re-reading the generation: with a plain store the
                    // CPU may read the generation first (store-load reordering), miss a job posted in between and
                    // sleep while the poster, seeing no sleeper, never signals. The timed wait bounds any missed wake.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref s_generation) == seen) _wake.Wait(WakeCheckMilliseconds);
                    Interlocked.Exchange(ref _sleeping, 0);
                    start = Stopwatch.GetTimestamp();
                }
                seen = Volatile.Read(ref s_generation);
                if (_part > s_forked) continue; // this job has fewer parts than there are workers
                try { s_body?.Invoke(_part); }
                catch (Exception e) { s_failure = e; }
                finally { Interlocked.Decrement(ref s_pending); }
            }
        }
    }
}

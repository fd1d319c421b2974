using System.Diagnostics;

namespace LayerGen.Kernels;

/// <summary>
/// A small fork-join pool for kernels, like the thread pools of OpenBLAS and ONNX Runtime: one worker per
/// extra core, which spins for a short while after each job so that the next product of a forward pass
/// starts without a thread wake-up, then sleeps. <see cref="Run"/> runs part 0 on the calling thread and the
/// others on the workers, and returns when all are done. <see cref="RunChunks"/> instead lets the caller and the
/// workers take chunks from a shared counter and returns as soon as every chunk is done, without waiting for a
/// worker that never started (on a loaded machine a worker may not be scheduled for milliseconds: the caller then
/// does all the chunks itself). A second caller arriving while the pool is busy (two threads running models at
/// once) runs its parts itself rather than waiting: never oversubscribed.
/// </summary>
internal static class ForkJoin
{
    /// <summary>How long a worker spins for the next job before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>A sleeping worker re-checks for work this often even without a signal.</summary>
    private const int WakeCheckMilliseconds = 20;

    private static int s_busy; // 1 while a job runs; not reentrant, so a part that calls Run again runs inline
    private static Worker[]? s_workers;
    private static int s_generation;
    /// <summary>The job posted last (each job object carries the generation it was posted with).</summary>
    private static Job? s_job;
    private static readonly PartsJob s_parts = new();
    private static readonly ChunksJob s_chunks = new();

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
            var job = s_parts;
            job.Arm(body, forked);
            Post(job, forked, workers);
            body(0);
            for (int i = forked + 1; i < parts; i++) body(i);
            // The workers are running (or about to): poll tightly rather than with SpinWait's growing back-off,
            // which can overshoot a short wait by microseconds; yield only if the wait gets long.
            SpinUntil(ref job.Pending);
            job.Body = null;
            if (job.Failure is { } failure) throw new AggregateException("A parallel kernel part failed.", failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(0 … <paramref name="chunks"/> − 1), each chunk once, on the calling thread and on
    /// the workers that start in time, in no fixed order: a thread takes the next chunk when it finishes one. Returns
    /// when every chunk is done (a worker that wakes later finds none left). Chunks must not depend on which thread
    /// runs them.
    /// </summary>
    public static void RunChunks(int chunks, Action<int> body)
    {
        if (chunks <= 1 || MaxParallelism == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < chunks; i++) body(i);
            return;
        }
        try
        {
            var workers = s_workers ??= StartWorkers();
            var job = s_chunks;
            job.Arm(body, chunks);
            Post(job, Math.Min(chunks - 1, workers.Length), workers);
            job.Help();
            job.Close();
            job.Body = null;
            if (job.Failure is { } failure) throw new AggregateException("A parallel kernel part failed.", failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Publishes an armed job under a new generation and wakes the first <paramref name="wake"/> workers.</summary>
    private static void Post(Job job, int wake, Worker[] workers)
    {
        int generation = Interlocked.Increment(ref s_generation);
        if (generation == Job.Arming) generation = Interlocked.Increment(ref s_generation); // wrapped around
        Volatile.Write(ref job.Generation, generation);
        Volatile.Write(ref s_job, job);
        for (int w = 0; w < wake; w++) workers[w].Wake();
    }

    private static void SpinUntil(ref int pending)
    {
        long waitStart = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref pending) != 0)
        {
            if (Stopwatch.GetTimestamp() - waitStart < SpinTicks) Thread.SpinWait(1);
            else Thread.Yield();
        }
    }

    private static Worker[] StartWorkers()
    {
        var workers = new Worker[MaxParallelism - 1];
        for (int i = 0; i < workers.Length; i++) workers[i] = new Worker(i + 1);
        return workers;
    }

    /// <summary>A posted job: what a worker does when it sees a new generation.</summary>
    private abstract class Job
    {
        /// <summary>The generation it was posted with; <see cref="Arming"/> while it is being armed again.</summary>
        public int Generation = Arming;
        public Action<int>? Body;
        public Exception? Failure;

        public const int Arming = int.MinValue;

        /// <summary>
        /// The worker numbered <paramref name="part"/> (1 …) takes part in the job; sets <paramref name="seen"/> to the
        /// generation it handled (left unchanged when the job changed under it: the worker looks again).
        /// </summary>
        public abstract void Work(int part, ref int seen);
    }

    /// <summary><see cref="Run"/>'s job: worker w runs part w (if forked); the caller waits for every forked part.</summary>
    private sealed class PartsJob : Job
    {
        public int Pending;
        private int _forked;

        public void Arm(Action<int> body, int forked)
        {
            Volatile.Write(ref Generation, Arming);
            Body = body;
            Failure = null;
            _forked = forked;
            Volatile.Write(ref Pending, forked);
        }

        public override void Work(int part, ref int seen)
        {
            // A consistent view of one generation (armed again in between: look again). A worker that is forked is
            // waited for, so the job cannot be armed again before it ran; one that is not may see the next arming.
            int generation = Volatile.Read(ref Generation);
            var body = Body;
            int forked = _forked;
            if (generation == Arming || Volatile.Read(ref Generation) != generation) return;
            seen = generation;
            if (part > forked) return; // this job has fewer parts than there are workers
            try { body?.Invoke(part); }
            catch (Exception e) { Failure = e; }
            finally { Interlocked.Decrement(ref Pending); }
        }
    }

    /// <summary>
    /// <see cref="RunChunks"/>'s job. A worker counts itself in (<see cref="_active"/>) before it looks at the job and
    /// out after; the caller closes the job when the chunks run out and waits only for the workers counted in, so a
    /// late worker finds the job closed (or the next one, armed completely before it opens) and takes nothing.
    /// </summary>
    private sealed class ChunksJob : Job
    {
        private int _open, _active, _next, _count;

        public void Arm(Action<int> body, int chunks)
        {
            Volatile.Write(ref Generation, Arming);
            Body = body;
            Failure = null;
            _count = chunks;
            _next = 0;
            Volatile.Write(ref _open, 1);
        }

        /// <summary>Takes chunks until none is left.</summary>
        public void Help()
        {
            var body = Body!;
            int count = _count;
            while (true)
            {
                int c = Interlocked.Increment(ref _next) - 1;
                if (c >= count) return;
                try { body(c); }
                catch (Exception e)
                {
                    Failure = e;
                    Volatile.Write(ref _next, count); // the others stop after their current chunk
                }
            }
        }

        /// <summary>No worker enters after this; returns when the workers inside have left.</summary>
        public void Close()
        {
            Interlocked.Exchange(ref _open, 0);
            SpinUntil(ref _active);
        }

        public override void Work(int part, ref int seen)
        {
            int generation = Volatile.Read(ref Generation);
            if (generation == Arming) return;
            seen = generation;
            Interlocked.Increment(ref _active);
            try { if (Volatile.Read(ref _open) == 1) Help(); }
            finally { Interlocked.Decrement(ref _active); }
        }
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

        /// <summary>Called after a job was posted: wakes the worker if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        private static bool Posted(int seen, out Job? job)
        {
            job = Volatile.Read(ref s_job);
            if (job is null) return false;
            int generation = Volatile.Read(ref job.Generation);
            return generation != seen && generation != Job.Arming;
        }

        private void Loop()
        {
            int seen = _startGeneration;
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                Job? job;
                while (!Posted(seen, out job))
                {
                    if (Stopwatch.GetTimestamp() - start < SpinTicks) { Thread.SpinWait(1); continue; }
                    // A full fence between announcing sleep and re-reading the job: with a plain store the CPU may read
                    // the job first (store-load reordering), miss a job posted in between and sleep while the poster,
                    // seeing no sleeper, never signals. The timed wait bounds any missed wake.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (!Posted(seen, out _)) _wake.Wait(WakeCheckMilliseconds);
                    Interlocked.Exchange(ref _sleeping, 0);
                    start = Stopwatch.GetTimestamp();
                }
                job!.Work(_part, ref seen);
            }
        }
    }
}

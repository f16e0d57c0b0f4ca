using System.Runtime.ExceptionServices;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary>
/// A fixed set of long-lived threads that run the shards of a data-parallel step beside the
/// caller. Long-lived, because each native thread that calls into libtorch builds its own
/// thread-local state (OpenMP, MKL buffers) once. <see cref="Run"/> runs shard 0 on the calling
/// thread and the rest on the workers, waits for all, and rethrows the first failure.
/// </summary>
public sealed class ShardWorkers : IDisposable
{
    private readonly Worker[] workers;

    public ShardWorkers(int count, string name = "ibot-shard")
    {
        workers = Enumerable.Range(1, count).Select(i => new Worker($"{name}-{i}")).ToArray();
    }

    public int Count => workers.Length;

    /// <summary>Runs <paramref name="work"/>(k) for k in 0..<paramref name="shards"/>−1 concurrently.</summary>
    public void Run(int shards, Action<int> work)
    {
        if (shards < 1 || shards > workers.Length + 1)
            throw new ArgumentOutOfRangeException(nameof(shards), $"{shards} shards on {workers.Length} worker threads plus the caller");
        for (var k = 1; k < shards; k++)
        {
            var shard = k;
            workers[k - 1].Start(() => work(shard));
        }
        Exception? first = null;
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            first = e;
        }
        for (var k = 1; k < shards; k++)
            first ??= workers[k - 1].Wait();
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }

    public void Dispose()
    {
        foreach (var w in workers) w.Dispose();
    }

    private sealed class Worker : IDisposable
    {
        private readonly Thread thread;
        private readonly SemaphoreSlim start = new(0);
        private readonly SemaphoreSlim done = new(0);
        private Action? job;
        private Exception? error;
        private volatile bool stopping;

        public Worker(string name)
        {
            thread = new Thread(Loop) { IsBackground = true, Name = name };
            thread.Start();
        }

        public void Start(Action work)
        {
            job = work;
            error = null;
            start.Release();
        }

        /// <summary>Waits for the job; returns its exception, if any.</summary>
        public Exception? Wait()
        {
            done.Wait();
            return error;
        }

        private void Loop()
        {
            while (true)
            {
                start.Wait();
                if (stopping) return;
                try
                {
                    job!();
                }
                catch (Exception e)
                {
                    error = e;
                }
                job = null;
                done.Release();
            }
        }

        public void Dispose()
        {
            stopping = true;
            start.Release();
            thread.Join();
            start.Dispose();
            done.Dispose();
        }
    }
}

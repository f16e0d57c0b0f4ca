namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// One fuzz case under bounds: it must end within a time limit, allocate at most so many bytes on
/// its thread, and throw nothing but the parser's documented error. Cases run on a pool thread so
/// a hang is reported (the runaway thread is left behind, the test fails) instead of stalling
/// the suite.
/// </summary>
public static class Bounded
{
    /// <summary>Per-case limit; generous, since two cores are shared with the rest of the suite.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="action"/>; returns the documented exception it threw, or null.</summary>
    /// <remarks>maxMegabytes: Bytes the case may allocate on its thread (managed heap), in MiB.</remarks>
    public static TError? Run<TError>(Action action, long maxMegabytes) where TError : Exception
    {
        var task = Task.Run(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            TError? documented = null;
            try
            {
                action();
            }
            catch (TError e)
            {
                documented = e;
            }
            return (documented, GC.GetAllocatedBytesForCurrentThread() - before);
        });
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(Timeout)) throw new TimeoutException($"the case ran longer than {Timeout.TotalSeconds:F0} s");
        var (error, allocated) = task.GetAwaiter().GetResult();   // rethrows what the case threw, as it was
        if (allocated > maxMegabytes << 20)
            throw new FuzzFailure($"the case allocated {allocated >> 20} MiB; the bound is {maxMegabytes} MiB");
        return error;
    }
}

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Inside a run process: touches the run's heartbeat file every few seconds and cancels the run
/// when a cancel request appears. The period comes from <c>IBOT_HEARTBEAT_SECONDS</c> (default 2),
/// which the service's heartbeat timeout must comfortably exceed. In a queue several nodes share, each beat
/// also reaches the database (<c>beatShared</c>), where any node sees it; a beat the database
/// misses (connection lost) is skipped, never fatal to the run.
/// </summary>
public sealed class RunHeartbeat : IDisposable
{
    public const string PeriodVariable = "IBOT_HEARTBEAT_SECONDS";

    private readonly string runFolder;
    private readonly CancellationTokenSource cancel;
    private readonly Timer timer;

    private readonly Action? beatShared;

    public RunHeartbeat(string runFolder, CancellationTokenSource cancel, Action? beatShared = null)
    {
        this.runFolder = runFolder;
        this.beatShared = beatShared;
        this.cancel = cancel;
        var seconds = double.TryParse(Environment.GetEnvironmentVariable(PeriodVariable), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 2;
        timer = new Timer(_ => Beat(), null, TimeSpan.Zero, TimeSpan.FromSeconds(seconds));
    }

    private void Beat()
    {
        try
        {
            RunFiles.Touch(runFolder);
            if (RunFiles.CancelRequested(runFolder)) cancel.Cancel();
            beatShared?.Invoke();
        }
        catch (Storage.StoreException)
        {
            // The shared store is unreachable for now: the run goes on, the next beat tries again.
        }
        catch (IOException)
        {
            // A missed beat is harmless; the timeout spans several periods.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => timer.Dispose();
}

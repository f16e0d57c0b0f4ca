namespace IBot.Pipeline.Hosting;

/// <summary>
/// Inside a run process: touches the run's heartbeat file every few seconds and cancels the run
/// when a cancel request appears. The period comes from <c>IBOT_HEARTBEAT_SECONDS</c> (default 2),
/// which the service's heartbeat timeout must comfortably exceed.
/// </summary>
public sealed class RunHeartbeat : IDisposable
{
    public const string PeriodVariable = "IBOT_HEARTBEAT_SECONDS";

    private readonly string runFolder;
    private readonly CancellationTokenSource cancel;
    private readonly Timer timer;

    public RunHeartbeat(string runFolder, CancellationTokenSource cancel)
    {
        this.runFolder = runFolder;
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

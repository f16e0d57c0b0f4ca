using IBot.Pipeline.Abstractions.Runs;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// The files through which a run process and the service talk, in the run folder: the run
/// touches <c>heartbeat</c> while alive and writes <c>status</c> when it ends; the service (or
/// <c>ibot cancel</c>) creates <c>cancel</c> to ask it to checkpoint and stop. Files, not the
/// database: the run never opens the queue, and a run adopted after a service restart is
/// reached the same way as one the service launched.
/// </summary>
public static class RunFiles
{
    /// <summary>Before a launch: forget the last attempt's status and any stale cancel request,
    /// and start the heartbeat clock now.</summary>
    public static void PrepareLaunch(string runFolder)
    {
        var layout = new RunLayout(runFolder);
        File.Delete(layout.Status);
        File.Delete(layout.Cancel);
        Touch(runFolder);
    }

    public static void Touch(string runFolder) =>
        File.WriteAllText(new RunLayout(runFolder).Heartbeat, DateTime.UtcNow.ToString("O"));

    public static DateTime LastHeartbeat(string runFolder)
    {
        var file = new RunLayout(runFolder).Heartbeat;
        return File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
    }

    public static void RequestCancel(string runFolder)
    {
        if (Directory.Exists(runFolder)) File.WriteAllText(new RunLayout(runFolder).Cancel, DateTime.UtcNow.ToString("O"));
    }

    public static bool CancelRequested(string runFolder) => File.Exists(new RunLayout(runFolder).Cancel);

    /// <summary>How the run ended: <c>completed</c>, or <c>failed: reason</c> / <c>cancelled: reason</c>.</summary>
    public static void WriteStatus(RunLayout layout, RunState state, string? reason) =>
        File.WriteAllText(layout.Status, state.ToString().ToLowerInvariant() + (reason is null ? "" : ": " + reason.ReplaceLineEndings(" ")) + "\n");

    /// <summary>The status word the run wrote (completed, failed, cancelled) and its reason; null when it wrote none.</summary>
    public static (string Status, string? Reason)? ReadStatus(string runFolder)
    {
        var file = new RunLayout(runFolder).Status;
        if (!File.Exists(file)) return null;
        var text = File.ReadAllText(file).Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..].Trim());
    }
}

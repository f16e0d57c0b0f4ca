using IBot.Pipeline.Scheduling;

namespace IBot.Pipeline.Documents;

/// <summary>One run of <c>ibot queue --json</c> (an array of these, in submission order): its state, priority,
/// attempts, device and process, whether a cancel was asked, and every state change as a line.</summary>
public sealed record QueueEntryDocument(
    string Id,
    string Name,
    string? SweepId,
    string State,
    int Priority,
    int Attempts,
    string? Device,
    int? Pid,
    bool CancelRequested,
    string? Reason,
    DateTime EnqueuedAt,
    DateTime? StartedAt,
    DateTime? EndedAt,
    IReadOnlyList<string> History)
{
    public static QueueEntryDocument Of(QueuedRun r) => new(r.Id, r.Name, r.SweepId, DocumentJson.Name(r.State), r.Priority, r.Attempts, r.Device, r.Pid,
        r.CancelRequested, r.Reason, r.EnqueuedAt, r.StartedAt, r.EndedAt, r.History);
}

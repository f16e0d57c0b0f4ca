using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Documents;

/// <summary>One entry of a run's status history in <see cref="RunDocument.History"/>.</summary>
public sealed record StatusChangeDocument(string Status, DateTime At, string? Reason)
{
    public static StatusChangeDocument Of(StatusChange h) => new(DocumentJson.Name(h.Status), h.At, h.Reason);
}

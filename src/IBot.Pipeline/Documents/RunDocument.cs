using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Documents;

/// <summary>
/// A run as <c>ibot runs --json</c> lists it (the summary: <c>params</c>, <c>history</c>, <c>environment</c>,
/// <c>datasets</c>, <c>data_roles</c> and <c>reuse_key</c> null) and <c>ibot show --json</c> shows it (full).
/// The web UI's API serves the same documents.
/// </summary>
public sealed record RunDocument(
    string Id,
    string Name,
    string Kind,
    string Status,
    string? Reason,
    DateTime Created,
    DateTime Updated,
    string? Sweep,
    string SpecHash,
    string? Device,
    string? Folder,
    IReadOnlyDictionary<string, MetricSummaryDocument> Metrics,
    IReadOnlyDictionary<string, object?>? Params,
    IReadOnlyList<StatusChangeDocument>? History,
    EnvironmentInfo? Environment,
    IReadOnlyList<string>? Datasets,
    IReadOnlyDictionary<string, string>? DataRoles,
    string? ReuseKey)
{
    public static RunDocument Of(RunRecord r, bool full) => new(
        r.Id,
        r.Name,
        DocumentJson.Name(r.Kind),
        DocumentJson.Name(r.Status),
        r.Reason,
        r.Created,
        r.Updated,
        r.Sweep,
        r.SpecHash,
        r.Device,
        r.Folder,
        r.Metrics.ToDictionary(m => m.Key, m => MetricSummaryDocument.Of(m.Key, m.Value), StringComparer.Ordinal),
        full ? r.Params.ToDictionary(p => p.Key, p => LineageValues.Json(p.Value), StringComparer.Ordinal) : null,
        full ? r.History.Select(StatusChangeDocument.Of).ToList() : null,
        full ? r.Environment : null,
        full ? r.Datasets : null,
        full ? r.DataRoles : null,
        full ? r.ReuseKey : null);
}

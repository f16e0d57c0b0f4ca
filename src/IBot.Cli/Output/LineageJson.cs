using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Cli.Output;

/// <summary>Lineage records as plain objects for <see cref="JsonOutput"/> (snake_case, values typed).</summary>
public static class LineageJson
{
    public static object? Value(LineageValue v) => v.Kind switch
    {
        LineageValueKind.Number => v.Number,
        LineageValueKind.Text => v.Text,
        LineageValueKind.Bool => v.AsBool,
        _ => null,
    };

    public static object Run(RunRecord r, bool full) => new
    {
        r.Id,
        r.Name,
        Kind = r.Kind.ToString().ToLowerInvariant(),
        Status = r.Status.ToString().ToLowerInvariant(),
        r.Reason,
        r.Created,
        r.Updated,
        r.Sweep,
        r.SpecHash,
        r.Device,
        r.Folder,
        Metrics = r.Metrics.ToDictionary(m => m.Key, m => new { m.Value.Last, m.Value.Min, m.Value.Max, Best = m.Value.Best(m.Key), m.Value.Count, m.Value.LastEpoch, m.Value.LastStep }),
        Params = full ? r.Params.ToDictionary(p => p.Key, p => Value(p.Value)) : null,
        History = full ? r.History.Select(h => new { Status = h.Status.ToString().ToLowerInvariant(), h.At, h.Reason }) : null,
        Environment = full ? r.Environment : null,
        Datasets = full ? r.Datasets : null,
        DataRoles = full ? r.DataRoles : null,
        ReuseKey = full ? r.ReuseKey : null,
    };

    public static object Node(LineageNode n) => new
    {
        n.Id,
        n.Kind,
        n.Label,
        n.Relation,
        n.Repeated,
        Children = n.Children.Select(Node).ToList(),
    };
}

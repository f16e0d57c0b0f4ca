using System.Globalization;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Graph;

/// <summary>
/// Walks the relations of an <see cref="ILineageStore"/> from one node: backwards to everything it
/// came from (a run ← its spec, data, sweep, resumed-from checkpoint and environment; an evaluation
/// ← the checkpoint ← the run that wrote it …) and forwards to everything derived from it (a run →
/// checkpoints → evaluations, also by other runs → metrics).
/// </summary>
public sealed class LineageGraph(ILineageStore store, int maxDepth = 12)
{
    public LineageNode Ancestors(string id) => Walk(id, null, forward: false, new HashSet<string>(StringComparer.Ordinal), 0);

    public LineageNode Descendants(string id) => Walk(id, null, forward: true, new HashSet<string>(StringComparer.Ordinal), 0);

    public static string KindOf(string id) => id switch
    {
        _ when id.StartsWith("spec:", StringComparison.Ordinal) => "spec",
        _ when id.StartsWith("artifact:", StringComparison.Ordinal) => "artifact",
        _ when id.StartsWith("data:", StringComparison.Ordinal) => "data",
        _ when id.StartsWith("eval:", StringComparison.Ordinal) => "evaluation",
        _ when id.StartsWith("sweep:", StringComparison.Ordinal) => "sweep",
        _ => "run",
    };

    private LineageNode Walk(string id, string? relation, bool forward, HashSet<string> seen, int depth)
    {
        var kind = KindOf(id);
        var label = Label(id, kind);
        if (!seen.Add(id) || depth >= maxDepth) return new LineageNode(id, kind, label, relation, [], Repeated: true);
        var children = new List<LineageNode>();
        var edges = forward ? store.RelationsFrom(id) : store.RelationsTo(id);
        foreach (var edge in edges.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => forward ? e.To : e.From, StringComparer.Ordinal))
            children.Add(Walk(forward ? edge.To : edge.From, edge.Kind, forward, seen, depth + 1));
        if (!forward && kind == "run" && store.GetRun(id)?.Environment is { } env)
            children.Add(new LineageNode(id + "#environment", "environment",
                $"{env.Machine}, {env.Os}, {env.DotNet}, TorchSharp {env.TorchSharp ?? "?"}, libtorch {env.LibTorch ?? "?"}, ibot {env.Ibot}{(env.SourceRevision is null ? "" : " @ " + env.SourceRevision)}",
                "ran-on", []));
        if (forward && kind == "evaluation" && store.GetEvaluation(id) is { } evaluation)
            foreach (var (name, value) in evaluation.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                children.Add(new LineageNode($"{id}#{name}", "metric", $"{name} = {value.ToString("0.####", CultureInfo.InvariantCulture)}", "measured", []));
        return new LineageNode(id, kind, label, relation, children);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private string Label(string id, string kind) => kind switch
    {
        "run" => store.GetRun(id) is { } r ? $"run {r.Id} ({r.Kind.ToString().ToLowerInvariant()}, {r.Status.ToString().ToLowerInvariant()})" : $"run {id} (not recorded)",
        "spec" => store.GetSpec(id) is { } s ? $"spec {s.Name} {Short(s.Hash)}" : id,
        "artifact" => store.GetArtifact(id) is { } a
            ? $"{a.Kind} {Short(a.Sha256)}{(a.Epoch is { } e ? $" after epoch {e}" : "")} {a.Path} ({a.Size:N0} bytes)"
            : id,
        "evaluation" => store.GetEvaluation(id) is { } v ? $"evaluation {v.Evaluator} at epoch {v.Epoch} by {v.RunId}" : id,
        "data" => store.GetDataset(id) is { } d
            ? $"data {d.Role}: {d.Description}{(d.Files is { } f ? $" ({f:N0} files, {d.Bytes:N0} bytes)" : "")} {Short(d.Hash)}"
            : id,
        "sweep" => store.GetSweep(id) is { } w ? $"sweep {w.Name}" : id,
        _ => id,
    };
}

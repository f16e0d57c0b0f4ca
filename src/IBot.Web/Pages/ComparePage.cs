using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Model;
using IBot.Web.Html;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>
/// Two or more runs side by side (<c>GET /compare?id=A&amp;id=B…</c>): every spec key, the ones whose values differ
/// highlighted, the runs' curves overlaid by <c>ui.js</c>, every metric's last value, and the keys that are the same (folded).
/// </summary>
public static class ComparePage
{
    public static string Render(UiData data, IReadOnlyList<string> ids)
    {
        var body = new StringBuilder("<h1>Compare</h1>");
        var runs = new List<RunRecord>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (data.FindRun(id) is { } run) runs.Add(run);
            else body.Append("<div class=\"error\">no run '").Append(E(id)).Append("'</div>");
        }
        if (runs.Count < 2)
        {
            body.Append("<form method=\"get\" action=\"/compare\" class=\"query\"><p>Pick two or more runs on the <a href=\"/\">Runs</a> page, or give their ids:</p>")
                .Append("<input name=\"id\" placeholder=\"run id\"><input name=\"id\" placeholder=\"run id\"><button type=\"submit\">Compare</button></form>");
            return Layout.Page("Compare", "Compare", body.ToString());
        }
        body.Append("<table class=\"grid\" id=\"compare-runs\"><tr><th></th>");
        foreach (var run in runs) body.Append("<th><a href=\"/runs/").Append(U(run.Id)).Append("\">").Append(E(run.Id)).Append("</a><br><span class=\"name\">").Append(E(run.Name)).Append("</span></th>");
        body.Append("</tr>");
        Row(body, "status", runs.Select(r => r.Status.ToString().ToLowerInvariant()).ToList(), "");
        Row(body, "spec hash", runs.Select(r => r.SpecHash[..Math.Min(12, r.SpecHash.Length)]).ToList(), "");
        body.Append("</table>");

        var keys = runs.SelectMany(r => r.Params.Keys).Distinct(StringComparer.Ordinal).ToList();
        var values = keys.Select(k => (Key: k, Values: runs.Select(r => r.Params.TryGetValue(k, out var v) ? v.Format() : "").ToList())).ToList();
        var differing = values.Where(v => v.Values.Distinct(StringComparer.Ordinal).Count() > 1).ToList();
        body.Append("<h2>Spec: ").Append(differing.Count).Append(" of ").Append(keys.Count).Append(" keys differ</h2>");
        SpecTable(body, "spec-diff", runs, differing, "diff");
        body.Append("<h2>Curves</h2><div id=\"compare-charts\" data-runs=\"").Append(E(string.Join(',', runs.Select(r => r.Id)))).Append("\"></div>");

        var metrics = runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        body.Append("<h2>Metrics (last value)</h2><table class=\"grid\" id=\"metric-diff\"><tr><th>metric</th>");
        foreach (var run in runs) body.Append("<th>").Append(E(run.Id)).Append("</th>");
        body.Append("</tr>");
        foreach (var m in metrics)
            Row(body, m, runs.Select(r => r.Metrics.TryGetValue(m, out var s) ? s.Last.ToString("0.####", CultureInfo.InvariantCulture) : "").ToList(), "");
        body.Append("</table><details><summary>").Append(keys.Count - differing.Count).Append(" keys the same</summary>");
        SpecTable(body, "spec-same", runs, values.Except(differing).ToList(), "");
        body.Append("</details>");
        return Layout.Page("Compare", "Compare", body.ToString());
    }

    private static void SpecTable(StringBuilder body, string id, IReadOnlyList<RunRecord> runs, IReadOnlyList<(string Key, List<string> Values)> rows, string css)
    {
        body.Append("<table class=\"grid\" id=\"").Append(id).Append("\"><tr><th>key</th>");
        foreach (var run in runs) body.Append("<th>").Append(E(run.Id)).Append("</th>");
        body.Append("</tr>");
        foreach (var (key, vs) in rows) Row(body, key, vs, css);
        body.Append("</table>");
    }

    private static void Row(StringBuilder body, string key, IReadOnlyList<string> values, string css)
    {
        body.Append("<tr").Append(css.Length > 0 ? $" class=\"{css}\"" : "").Append("><td>").Append(E(key)).Append("</td>");
        foreach (var v in values) body.Append("<td>").Append(E(v)).Append("</td>");
        body.Append("</tr>");
    }
}

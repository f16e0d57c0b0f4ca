using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using IBot.Web.Html;
using Microsoft.AspNetCore.Http;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>
/// The runs table (<c>GET /</c>): <c>ibot runs</c> in a page. The search box takes the same <c>--where</c> language
/// (an error shows the expression with a caret under its column, as the CLI does); column headers sort; the params and
/// metrics a query names are columns, and more can be chosen; 50 runs a page; runs of one sweep grouped under it.
/// Rendered on the server, so the first paint needs the HTML and the stylesheet only.
/// </summary>
public static class RunsPage
{
    public const int PageSize = 50;

    /// <summary>The table's state, as the page's URL carries it.</summary>
    public sealed record State(string? Where, string? Sort, int Page, string? Columns, bool Grouped)
    {
        public static State Of(IQueryCollection q) => new(
            Blank(q["where"]), Blank(q["sort"]),
            int.TryParse(q["page"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1,
            Blank(q["cols"]), q["group"] == "1");

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

        public string Link(string? sort = null, int? page = null)
        {
            var parts = new List<string>();
            void Add(string key, string? value)
            {
                if (value is not null) parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
            Add("where", Where);
            Add("sort", sort ?? Sort);
            Add("cols", Columns);
            if (Grouped) parts.Add("group=1");
            if ((page ?? Page) > 1) Add("page", (page ?? Page).ToString(CultureInfo.InvariantCulture));
            return "/?" + string.Join('&', parts);
        }

        public IReadOnlyList<string> Chosen() =>
            (Columns ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(RunColumns.IsColumn).ToList();
    }

    public static string Render(UiData data, State state)
    {
        var body = new StringBuilder();
        body.Append("<h1>Runs</h1><form class=\"query\" method=\"get\" action=\"/\">");
        body.Append("<input id=\"where\" name=\"where\" placeholder=\"metrics.knn_top1 &gt; 70 and params.train.optimizer.lr in (5e-4, 1e-3)\" value=\"").Append(E(state.Where)).Append("\">");
        body.Append("<input id=\"cols\" name=\"cols\" placeholder=\"columns: params.train.epochs, metrics.loss.min\" value=\"").Append(E(state.Columns)).Append("\">");
        if (state.Sort is not null) body.Append("<input type=\"hidden\" name=\"sort\" value=\"").Append(E(state.Sort)).Append("\">");
        body.Append("<label><input type=\"checkbox\" name=\"group\" value=\"1\"").Append(state.Grouped ? " checked" : "").Append("> group sweeps</label>");
        body.Append("<button id=\"filter\" type=\"submit\">Filter</button></form>");
        RunQueryResult result;
        try
        {
            result = data.Lineage.QueryRuns(new RunQuery(state.Where, state.Sort, PageSize, (state.Page - 1) * PageSize));
        }
        catch (QueryException e)
        {
            body.Append("<div class=\"error\" id=\"query-error\"><p>").Append(E(e.Message)).Append("</p><pre>").Append(E(e.Text)).Append('\n')
                .Append(new string(' ', Math.Max(0, e.Column - 1))).Append("^</pre></div>");
            return Layout.Page("Runs", "Runs", body.ToString());
        }
        var extra = RunColumns.Named(state.Where, state.Sort).Concat(state.Chosen()).Distinct(StringComparer.Ordinal).ToList();
        body.Append("<form method=\"get\" action=\"/compare\"><table id=\"runs\" class=\"grid\"><thead><tr><th></th>");
        foreach (var key in new[] { "id", "name", "kind", "status", "created", "sweep", "device" }.Concat(extra)) Header(body, state, key);
        body.Append("</tr></thead><tbody>");
        var columns = 8 + extra.Count;
        foreach (var group in Groups(result.Runs, state.Grouped))
        {
            if (group.Key is { } sweep)
                body.Append("<tr class=\"sweep\"><td colspan=\"").Append(columns).Append("\">sweep <b>").Append(E(sweep)).Append("</b> · ")
                    .Append(group.Runs.Count).Append(" on this page · <a href=\"").Append(E(new State($"sweep = '{sweep.Replace("'", "''", StringComparison.Ordinal)}'", state.Sort, 1, state.Columns, false).Link()))
                    .Append("\">all its runs</a></td></tr>");
            foreach (var run in group.Runs) Row(body, run, extra);
        }
        body.Append("</tbody></table>");
        var first = result.Runs.Count == 0 ? 0 : (state.Page - 1) * PageSize + 1;
        body.Append("<p class=\"pager\"><span id=\"count\">").Append(first).Append('–').Append(first + result.Runs.Count - (result.Runs.Count == 0 ? 0 : 1))
            .Append(" of ").Append(result.Matched).Append(" matching run").Append(result.Matched == 1 ? "" : "s").Append("</span>");
        if (state.Page > 1) body.Append(" <a id=\"prev\" href=\"").Append(E(state.Link(page: state.Page - 1))).Append("\">previous</a>");
        if (state.Page * PageSize < result.Matched) body.Append(" <a id=\"next\" href=\"").Append(E(state.Link(page: state.Page + 1))).Append("\">next</a>");
        body.Append(" <button id=\"compare\" type=\"submit\">Compare selected</button></p></form>");
        return Layout.Page("Runs", "Runs", body.ToString());
    }

    /// <summary>In sort order; grouped, a sweep's runs on this page follow its first one.</summary>
    private static IEnumerable<(string? Key, List<RunRecord> Runs)> Groups(IReadOnlyList<RunRecord> runs, bool grouped) =>
        grouped
            ? runs.Select((r, i) => (r, i)).GroupBy(x => x.r.Sweep ?? $"\0{x.i}", x => x.r, StringComparer.Ordinal)
                .Select(g => (g.Key.StartsWith('\0') ? null : g.Key, g.ToList()))
            : runs.Select(r => ((string?)null, new List<RunRecord> { r }));

    private static void Header(StringBuilder body, State state, string key)
    {
        var current = state.Sort?.Trim();
        var ascending = current == key || current == $"{key} asc";
        var descending = current == $"-{key}" || current == $"{key} desc" || (current is null && key == "created");
        var next = ascending ? $"-{key}" : key;
        body.Append("<th><a class=\"sort\" data-key=\"").Append(E(key)).Append("\" href=\"").Append(E(state.Link(sort: next, page: 1))).Append("\">")
            .Append(E(key)).Append(ascending ? " ▲" : descending ? " ▼" : "").Append("</a></th>");
    }

    private static void Row(StringBuilder body, RunRecord run, IReadOnlyList<string> extra)
    {
        var status = run.Status.ToString().ToLowerInvariant();
        body.Append("<tr data-run=\"").Append(E(run.Id)).Append("\"><td><input type=\"checkbox\" name=\"id\" value=\"").Append(E(run.Id)).Append("\"></td>");
        body.Append("<td><a href=\"/runs/").Append(U(run.Id)).Append("\">").Append(E(run.Id)).Append("</a></td>");
        body.Append("<td class=\"name\">").Append(E(run.Name)).Append("</td><td>").Append(run.Kind.ToString().ToLowerInvariant()).Append("</td>");
        body.Append("<td><span class=\"status ").Append(status).Append("\">").Append(status).Append("</span></td>");
        body.Append("<td>").Append(run.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td>");
        body.Append("<td>").Append(E(run.Sweep)).Append("</td><td>").Append(E(run.Device)).Append("</td>");
        foreach (var key in extra) body.Append("<td class=\"num\">").Append(E(RunColumns.Cell(run, key))).Append("</td>");
        body.Append("</tr>");
    }
}

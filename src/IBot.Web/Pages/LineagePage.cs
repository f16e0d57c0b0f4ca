using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Graph;
using IBot.Web.Html;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>
/// <c>ibot lineage ID</c> as pictures (<c>GET /lineage?id=…</c>): what the node came from and what was derived from
/// it (spec → run → checkpoint → evaluation, resumes, sweeps), each a tree drawn as SVG on the server. Every node
/// links to its own lineage, runs also to their page.
/// </summary>
public static class LineagePage
{
    private const int ColumnWidth = 310;
    private const int RowHeight = 34;
    private const int BoxWidth = 220;
    private const int BoxHeight = 24;

    public static string Render(UiData data, string? idOrPrefix, int depth)
    {
        var body = new StringBuilder("<h1>Lineage</h1><form class=\"query\" method=\"get\" action=\"/lineage\"><input name=\"id\" id=\"lineage-id\" placeholder=\"run, spec:…, artifact:…, data:… or a hash prefix\" value=\"")
            .Append(E(idOrPrefix)).Append("\"><button type=\"submit\">Show</button></form>");
        if (string.IsNullOrWhiteSpace(idOrPrefix)) return Layout.Page("Lineage", "Lineage", body.ToString());
        string? id;
        try
        {
            id = data.Lineage.Resolve(idOrPrefix.Trim());
        }
        catch (ArgumentException e)
        {
            body.Append("<div class=\"error\">").Append(E(e.Message)).Append("</div>");
            return Layout.Page("Lineage", "Lineage", body.ToString());
        }
        if (id is null)
        {
            body.Append("<div class=\"error\">nothing with id '").Append(E(idOrPrefix)).Append("'</div>");
            return Layout.Page("Lineage", "Lineage", body.ToString());
        }
        var graph = new LineageGraph(data.Lineage, depth);
        var ancestors = graph.Ancestors(id);
        if (ancestors.Kind == "run") body.Append("<p><a href=\"/runs/").Append(U(id)).Append("\">open the run's page</a></p>");
        body.Append("<h2>").Append(E(ancestors.Label)).Append(" came from</h2>").Append(Svg(ancestors, "ancestors"));
        body.Append("<h2>and led to</h2>").Append(Svg(graph.Descendants(id), "descendants"));
        return Layout.Page("Lineage", "Lineage", body.ToString());
    }

    /// <summary>A tree left to right: each node in the column of its depth, leaves one row each, a parent level with its first child.</summary>
    public static string Svg(LineageNode root, string cssId)
    {
        var boxes = new StringBuilder();
        var edges = new StringBuilder();
        var rows = 0;
        var deepest = 0;
        int Place(LineageNode node, int level)
        {
            deepest = Math.Max(deepest, level);
            var row = rows;
            if (node.Children.Count == 0) rows++;
            foreach (var (child, i) in node.Children.Select((c, i) => (c, i)))
            {
                var childRow = Place(child, level + 1);
                var (x1, y1) = (level * ColumnWidth + BoxWidth, row * RowHeight + BoxHeight / 2 + 4);
                var (x2, y2) = ((level + 1) * ColumnWidth, childRow * RowHeight + BoxHeight / 2 + 4);
                edges.Append(CultureInfo.InvariantCulture, $"<path class=\"edge\" d=\"M{x1},{y1} C{x1 + 20},{y1} {x2 - 20},{y2} {x2},{y2}\"/>");
                if (child.Relation is { } relation)
                    edges.Append(CultureInfo.InvariantCulture, $"<text class=\"relation\" x=\"{x2 - 6}\" y=\"{y2 - 4}\" text-anchor=\"end\">{E(relation)}</text>");
            }
            var (x, y) = (level * ColumnWidth, row * RowHeight + 4);
            var label = node.Label.Length > 31 ? node.Label[..30] + "…" : node.Label;
            boxes.Append("<a href=\"/lineage?id=").Append(U(node.Id)).Append("\" class=\"node ").Append(E(node.Kind)).Append(node.Repeated ? " repeated" : "").Append(level == 0 ? " root" : "")
                .Append("\" data-id=\"").Append(E(node.Id)).Append("\"><title>").Append(E(node.Label)).Append("</title>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"4\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 6}\" y=\"{y + 16}\">").Append(E(label)).Append("</text></a>");
            return row;
        }
        Place(root, 0);
        var width = (deepest + 1) * ColumnWidth;
        var height = Math.Max(1, rows) * RowHeight + 8;
        return $"<svg class=\"lineage\" id=\"{cssId}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">{edges}{boxes}</svg>";
    }
}

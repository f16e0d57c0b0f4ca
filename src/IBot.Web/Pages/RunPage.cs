using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Graph;
using IBot.Web.Html;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>
/// One run (<c>GET /runs/{id}</c>): what <c>ibot show</c> tells (status history, params, evaluations with the
/// checkpoint each measured, checkpoints with their SHA-256, data fingerprints, environment), its resolved
/// <c>spec.yaml</c>, its figures, the tail of <c>run.log</c>, and charts of its curves drawn by <c>ui.js</c> from
/// <c>/api/runs/{id}/metrics</c>, polled while the run trains.
/// </summary>
public static class RunPage
{
    public const int LogLines = 200;

    public static string? Render(UiData data, string idOrPrefix)
    {
        if (data.FindRun(idOrPrefix) is not { } record) return null;
        var (run, datasets, artifacts, evaluations, resumedFrom) = RunDetails.Load(data.Lineage, record);
        var folder = data.RunFolder(run);
        var layout = new RunLayout(folder);
        var status = run.Status.ToString().ToLowerInvariant();
        var live = run.Status is RunState.Running or RunState.Queued;
        var body = new StringBuilder();
        body.Append("<h1 id=\"run-name\">").Append(E(run.Name)).Append("</h1><p class=\"facts\"><code id=\"run-id\">").Append(E(run.Id)).Append("</code> ")
            .Append("<span class=\"status ").Append(status).Append("\" id=\"run-status\">").Append(status).Append("</span> ")
            .Append(run.Kind.ToString().ToLowerInvariant()).Append(run.Device is null ? "" : $" on {E(run.Device)}")
            .Append(" · <a href=\"/lineage?id=").Append(U(run.Id)).Append("\">lineage</a>");
        if (run.Sweep is { } sweep) body.Append(" · sweep <a href=\"/?where=").Append(U($"sweep = '{sweep}'")).Append("\">").Append(E(sweep)).Append("</a>");
        foreach (var from in resumedFrom) body.Append(" · resumed from <a href=\"/lineage?id=").Append(U(from)).Append("\">").Append(E(from)).Append("</a>");
        if (run.Reason is { } reason) body.Append(" · ").Append(E(reason));
        body.Append("</p>");

        body.Append("<section><h2>Curves</h2><div id=\"charts\" data-run=\"").Append(E(run.Id)).Append("\" data-live=\"").Append(live ? "true" : "false").Append("\"></div></section>");

        body.Append("<section><h2>Status history</h2><table class=\"grid\" id=\"history\"><tr><th>status</th><th>at (UTC)</th><th>reason</th></tr>");
        foreach (var h in run.History)
            body.Append("<tr><td>").Append(h.Status.ToString().ToLowerInvariant()).Append("</td><td>").Append(Time(h.At)).Append("</td><td>").Append(E(h.Reason)).Append("</td></tr>");
        body.Append("</table></section>");

        body.Append("<section><h2>Evaluations</h2><table class=\"grid\" id=\"evaluations\"><tr><th>epoch</th><th>evaluator</th><th>metrics</th><th>checkpoint</th></tr>");
        foreach (var e in evaluations)
            body.Append("<tr><td>").Append(e.Epoch).Append("</td><td>").Append(E(e.Evaluator)).Append("</td><td>")
                .Append(E(string.Join(", ", e.Metrics.Select(m => $"{m.Key} {m.Value.ToString("0.####", CultureInfo.InvariantCulture)}"))))
                .Append("</td><td>").Append(e.Artifact is { } a ? $"<a href=\"/lineage?id={U(a)}\">{E(a)}</a>" : "").Append("</td></tr>");
        body.Append("</table></section>");

        body.Append("<section><h2>Checkpoints and artifacts</h2><table class=\"grid\" id=\"artifacts\"><tr><th>kind</th><th>epoch</th><th>path</th><th>bytes</th><th>SHA-256</th></tr>");
        foreach (var a in artifacts)
            body.Append("<tr><td>").Append(E(a.Kind)).Append("</td><td>").Append(a.Epoch?.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(a.Path))
                .Append("</td><td class=\"num\">").Append(a.Size.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td><code>").Append(E(a.Sha256)).Append("</code></td></tr>");
        body.Append("</table></section>");

        Figures(body, run.Id, layout.Figures);

        body.Append("<section><h2>Data</h2><table class=\"grid\" id=\"datasets\"><tr><th>role</th><th>kind</th><th>description</th><th>files</th><th>fingerprint</th></tr>");
        foreach (var d in datasets)
            body.Append("<tr><td>").Append(E(d.Role)).Append("</td><td>").Append(E(d.Kind)).Append("</td><td>").Append(E(d.Description)).Append("</td><td class=\"num\">")
                .Append(d.Files?.ToString(CultureInfo.InvariantCulture)).Append("</td><td><code>").Append(E(d.Hash)).Append("</code></td></tr>");
        body.Append("</table></section>");

        body.Append("<section><h2>Params</h2><table class=\"grid\" id=\"params\">");
        foreach (var (key, value) in run.Params) body.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value.Format())).Append("</td></tr>");
        body.Append("</table></section>");

        body.Append("<section><h2>Spec</h2><pre id=\"spec\">").Append(E(Read(layout.Spec) ?? "(no spec.yaml in the run folder)")).Append("</pre></section>");

        if (run.Environment is { } env)
            body.Append("<section><h2>Environment</h2><table class=\"grid\" id=\"environment\">")
                .Append(Fact("machine", env.Machine)).Append(Fact("OS", env.Os)).Append(Fact(".NET", env.DotNet)).Append(Fact("TorchSharp", env.TorchSharp))
                .Append(Fact("libtorch", env.LibTorch)).Append(Fact("ibot", env.Ibot)).Append(Fact("source revision", env.SourceRevision)).Append("</table></section>");

        body.Append("<section><h2>run.log (last ").Append(LogLines).Append(" lines)</h2><pre id=\"log\">").Append(E(Tail(layout.Log, LogLines) ?? "(no run.log yet)")).Append("</pre></section>");
        return Layout.Page(run.Name, "Runs", body.ToString());
    }

    private static void Figures(StringBuilder body, string runId, string folder)
    {
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0) return;
        body.Append("<section><h2>Figures</h2><div class=\"figures\" id=\"figures\">");
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(Path.GetDirectoryName(folder)!, file).Replace('\\', '/');
            var href = $"/files/{Uri.EscapeDataString(runId)}/{string.Join('/', relative.Split('/').Select(Uri.EscapeDataString))}";
            body.Append("<figure><a href=\"").Append(E(href)).Append("\"><img alt=\"").Append(E(relative)).Append("\" src=\"").Append(E(href)).Append("\"></a><figcaption>")
                .Append(E(relative)).Append("</figcaption></figure>");
        }
        body.Append("</div></section>");
    }

    private static string Fact(string key, string? value) => value is null ? "" : $"<tr><td>{E(key)}</td><td>{E(value)}</td></tr>";

    private static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string? Read(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The last <paramref name="lines"/> lines of a file that may be growing (only its end is read).</summary>
    public static string? Tail(string path, int lines)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Max(0, stream.Length - 256 * 1024), SeekOrigin.Begin);
        var text = new StreamReader(stream).ReadToEnd();
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines - 1)));
    }
}

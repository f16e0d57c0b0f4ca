using System.Globalization;
using System.Text;
using IBot.Web.Html;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>
/// The queue (<c>GET /queue</c>): queued and running runs (all with <c>?all=1</c>) with device, attempts and each
/// state change; cancel and a new priority per run, and a spec to submit (a file of the specs folder, an upload or pasted
/// text: <see cref="SpecSubmission"/>), checked first as <c>ibot submit</c> checks it, its errors shown beside the lines
/// they name. Every form posts with the anti-forgery token.
/// </summary>
public static class QueuePage
{
    public static string Render(UiData data, bool all, string csrf, SubmitOutcome? outcome, string? notice)
    {
        var runs = all ? data.Queue.List() : data.Queue.List(RunState.Queued, RunState.Running);
        var body = new StringBuilder("<h1>Queue</h1>");
        if (notice is not null) body.Append("<div class=\"notice\" id=\"notice\">").Append(E(notice)).Append("</div>");
        body.Append("<p>").Append(runs.Count).Append(all ? " runs · <a href=\"/queue\">queued and running only</a>" : " queued or running · <a href=\"/queue?all=1\">all, finished too</a>").Append("</p>");
        body.Append("<table class=\"grid\" id=\"queue\"><tr><th>id</th><th>name</th><th>state</th><th>priority</th><th>attempts</th><th>device</th><th>enqueued (UTC)</th><th>history</th><th></th></tr>");
        foreach (var r in runs)
        {
            var state = r.State.ToString().ToLowerInvariant();
            body.Append("<tr data-run=\"").Append(E(r.Id)).Append("\"><td><a href=\"/runs/").Append(U(r.Id)).Append("\">").Append(E(r.Id)).Append("</a></td><td class=\"name\">").Append(E(r.Name))
                .Append("</td><td><span class=\"status ").Append(state).Append("\">").Append(state).Append(r.CancelRequested ? " (cancel asked)" : "").Append("</span></td><td>");
            if (r.State == RunState.Queued)
                body.Append("<form method=\"post\" action=\"/queue/priority\" class=\"inline\">").Append(Token(csrf)).Append(Hidden("id", r.Id))
                    .Append("<input type=\"number\" name=\"priority\" class=\"priority\" value=\"").Append(r.Priority).Append("\"><button type=\"submit\" class=\"set-priority\">set</button></form>");
            else body.Append(r.Priority);
            body.Append("</td><td>").Append(r.Attempts).Append("</td><td>").Append(E(r.Device)).Append("</td><td>")
                .Append(r.EnqueuedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("</td><td><details><summary>")
                .Append(r.History.Count).Append(r.History.Count == 1 ? " change" : " changes").Append("</summary><pre>").Append(E(string.Join('\n', r.History))).Append("</pre></details></td><td>");
            if (r.State is RunState.Queued or RunState.Running)
                body.Append("<form method=\"post\" action=\"/queue/cancel\" class=\"inline\">").Append(Token(csrf)).Append(Hidden("id", r.Id))
                    .Append("<button type=\"submit\" class=\"cancel\">cancel</button></form>");
            body.Append("</td></tr>");
        }
        body.Append("</table>");
        Submit(body, data.Submitter() is not null, data.Specs, csrf, outcome);
        return Layout.Page("Queue", "Queue", body.ToString());
    }

    private static void Submit(StringBuilder body, bool enabled, SpecFolder? specs, string csrf, SubmitOutcome? outcome)
    {
        body.Append("<h2>Submit a spec</h2>");
        if (!enabled)
        {
            body.Append("<p>Submission is off in this UI.</p>");
            return;
        }
        if (outcome is { Message: { } message }) body.Append("<div class=\"").Append(outcome.Errors.Count > 0 ? "error" : "notice").Append("\" id=\"submit-result\">").Append(E(message)).Append("</div>");
        if (outcome is { Errors.Count: > 0 })
        {
            // Errors in the file itself beside its lines; the others (a file it extends, or none) above them, with their place.
            var byLine = outcome.Errors.Where(outcome.InThisFile).GroupBy(e => e.Location.Line).ToDictionary(g => g.Key, g => g.ToList());
            body.Append("<table class=\"spec-lines\" id=\"spec-errors\">");
            foreach (var e in outcome.Errors.Where(e => !outcome.InThisFile(e)))
                body.Append("<tr class=\"bad elsewhere\"><td></td><td class=\"message\">").Append(E(e.Location.Line > 0 ? $"{e.Location}: {e.Message}" : e.Message)).Append("</td></tr>");
            var lines = outcome.Spec.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (var i = 0; i < lines.Length && outcome.Spec.Length > 0; i++)
            {
                var errors = byLine.GetValueOrDefault(i + 1);
                body.Append("<tr").Append(errors is null ? "" : " class=\"bad\"").Append(" data-line=\"").Append(i + 1).Append("\"><td class=\"line\">").Append(i + 1)
                    .Append("</td><td><code>").Append(E(lines[i])).Append("</code>");
                foreach (var e in errors ?? []) body.Append("<div class=\"message\">column ").Append(e.Location.Column).Append(": ").Append(E(e.Message)).Append("</div>");
                body.Append("</td></tr>");
            }
            body.Append("</table>");
        }
        if (specs is not null)
        {
            var names = specs.List();
            body.Append("<form method=\"post\" action=\"/queue/submit\" id=\"listed-form\">").Append(Token(csrf))
                .Append("<p>A spec of the specs folder <code id=\"specs-folder\">").Append(E(specs.Root)).Append("</code>, submitted where it lies (its <code>extends:</code> found as <code>ibot submit</code> finds them):</p>");
            if (names.Count == 0) body.Append("<p id=\"no-specs\">No <code>*.yaml</code> or <code>*.yml</code> files there.</p>");
            else
            {
                body.Append("<p><select name=\"path\" id=\"spec-path\">");
                foreach (var name in names)
                    body.Append("<option value=\"").Append(E(name)).Append('"').Append(name == outcome?.Listed ? " selected" : "").Append('>').Append(E(name)).Append("</option>");
                body.Append("</select> ").Append(Priority())
                    .Append("<button type=\"submit\" name=\"action\" value=\"validate\" id=\"validate-listed\">Validate</button> ")
                    .Append("<button type=\"submit\" name=\"action\" value=\"submit\" id=\"submit-listed\">Validate and submit</button></p>");
            }
            body.Append("</form>");
        }
        body.Append("<form method=\"post\" action=\"/queue/submit\" enctype=\"multipart/form-data\" id=\"submit-form\">").Append(Token(csrf))
            .Append("<p>").Append(specs is null ? "" : "Or ").Append("<input type=\"file\" name=\"file\" accept=\".yaml,.yml\" id=\"spec-file\"> or paste it")
            .Append(specs is null
                ? " (no specs folder: a relative <code>extends:</code> cannot be found; start the UI with <code>--specs DIR</code>):"
                : " (a relative <code>extends:</code> is found in that folder):")
            .Append("</p><textarea name=\"spec\" id=\"spec-text\" rows=\"14\" spellcheck=\"false\">").Append(E(outcome?.Listed is null ? outcome?.Spec : null)).Append("</textarea>")
            .Append("<p>").Append(Priority())
            .Append("<button type=\"submit\" name=\"action\" value=\"validate\" id=\"validate\">Validate</button> ")
            .Append("<button type=\"submit\" name=\"action\" value=\"submit\" id=\"submit\">Validate and submit</button></p></form>");
    }

    private static string Priority() => "<label>priority <input type=\"number\" name=\"priority\" value=\"0\" class=\"submit-priority\"></label> ";

    public static string Token(string csrf) => Hidden(Security.UiSecurity.CsrfField, csrf);

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";
}

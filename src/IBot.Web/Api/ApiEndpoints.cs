using System.Globalization;
using IBot.Pipeline.Documents;
using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Query;
using IBot.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IBot.Web.Api;

/// <summary>
/// The JSON API behind the pages: the documents the CLI's <c>--json</c> writes (<see cref="RunListDocument"/>,
/// <see cref="RunDetailsDocument"/>, <see cref="LineageDocument"/>, <see cref="CompareDocument"/>,
/// <see cref="QueueEntryDocument"/>), plus a run's curves (<see cref="MetricSeriesDocument"/>), its log's tail and the
/// spec files of the specs folder (<see cref="SpecFolder"/>).
/// Errors are <c>{"error": …}</c> with 400 (bad query, with <c>column</c>) or 404.
/// </summary>
public static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app, UiData data)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/runs", (HttpRequest r) =>
        {
            try
            {
                var query = new RunQuery(r.Query["where"], r.Query["sort"], Int(r, "limit", RunsPage.PageSize), Int(r, "offset", 0));
                return Json(RunListDocument.Of(data.Lineage.QueryRuns(query)));
            }
            catch (QueryException e)
            {
                return Results.Json(new { Error = e.Message, Expression = e.Text, e.Column }, DocumentJson.Web, statusCode: 400);
            }
            catch (ArgumentException e)
            {
                return Error(400, e.Message);
            }
        });
        api.MapGet("/runs/{id}", (string id) =>
            data.FindRun(id) is { } run ? Json(RunDetailsDocument.Of(RunDetails.Load(data.Lineage, run))) : Error(404, $"no run '{id}'"));
        api.MapGet("/runs/{id}/metrics", (string id) =>
            data.FindRun(id) is { } run
                ? Json(MetricSeriesDocument.Read(run.Id, run.Status.ToString().ToLowerInvariant(), new RunLayout(data.RunFolder(run)).Metrics))
                : Error(404, $"no run '{id}'"));
        api.MapGet("/runs/{id}/log", (string id, HttpRequest r) =>
            data.FindRun(id) is { } run
                ? Json(new { Run = run.Id, Log = RunPage.Tail(new RunLayout(data.RunFolder(run)).Log, Math.Clamp(Int(r, "lines", RunPage.LogLines), 1, 10_000)) })
                : Error(404, $"no run '{id}'"));
        api.MapGet("/lineage", (HttpRequest r) =>
        {
            try
            {
                var id = data.Lineage.Resolve(r.Query["id"].ToString());
                return id is null ? Error(404, $"nothing with id '{r.Query["id"]}'") : Json(LineageDocument.Of(id, new LineageGraph(data.Lineage, Int(r, "depth", 6))));
            }
            catch (ArgumentException e)
            {
                return Error(400, e.Message);
            }
        });
        api.MapGet("/compare", (HttpRequest r) =>
            data.FindRun(r.Query["a"].ToString()) is { } a && data.FindRun(r.Query["b"].ToString()) is { } b
                ? Json(CompareDocument.Of(RunComparison.Of(a, b)))
                : Error(404, "give two runs: ?a=RUN&b=RUN"));
        api.MapGet("/queue", (HttpRequest r) =>
            Json((r.Query["all"] == "1" ? data.Queue.List() : data.Queue.List(RunState.Queued, RunState.Running)).Select(QueueEntryDocument.Of).ToArray()));
        // The names POST /queue/submit takes as `path`.
        api.MapGet("/specs", () => data.Specs is { } specs
            ? Json(new { Folder = specs.Root, Specs = specs.List() })
            : Error(404, "this UI has no specs folder (start it with --specs DIR)"));
    }

    private static int Int(HttpRequest r, string key, int fallback) =>
        int.TryParse(r.Query[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static IResult Json<T>(T document) => Results.Json(document, DocumentJson.Web);

    private static IResult Error(int status, string message) => Results.Json(new { Error = message }, DocumentJson.Web, statusCode: status);
}

using System.Globalization;
using System.Net;
using IBot.Web.Api;
using IBot.Web.Pages;
using IBot.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IBot.Web;

/// <summary>
/// <c>ibot ui</c>: the pages, the JSON API and the assets on one Kestrel endpoint, as a Generic Host (stops on
/// SIGINT/SIGTERM like <c>ibot serve</c>). Pages are rendered on the server with every value HTML-escaped; the one
/// script (<c>/assets/ui.js</c>) draws the charts and polls a training run's curves.
/// </summary>
public static class UiApp
{
    public static WebApplication Build(UiOptions options, Action<ILoggingBuilder>? logging = null)
    {
        options.Check();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(UiApp).Assembly.GetName().Name, Args = [] });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(k =>
        {
            if (options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) k.ListenLocalhost(options.Port);
            else k.Listen(IPAddress.TryParse(options.Host, out var ip) ? ip : throw new ArgumentException($"--host {options.Host} is not an IP address or localhost"), options.Port);
        });
        builder.Services.AddAntiforgery(a =>
        {
            a.FormFieldName = UiSecurity.CsrfField;
            a.HeaderName = UiSecurity.CsrfHeader;
            a.Cookie.Name = "ibot_ui_csrf";
            a.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddSingleton(new UiData(options));
        var app = builder.Build();
        var data = app.Services.GetRequiredService<UiData>();
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        // The login cookie's key is made here, once per start: the cookie never holds the token.
        var login = options.Token is { Length: > 0 } t ? new UiLogin(t) : null;
        app.Use((context, next) => UiSecurity.Gate(context, () => next(context), login));
        app.Use(StoreUnavailable);
        string Csrf(HttpContext c) => antiforgery.GetAndStoreTokens(c).RequestToken!;

        app.MapGet("/assets/{name}", (string name) => Assets.Serve(name));
        app.MapGet("/", (HttpRequest r) => Html(RunsPage.Render(data, RunsPage.State.Of(r.Query))));
        app.MapGet("/runs/{id}", (string id) => RunPage.Render(data, id) is { } page ? Html(page) : Html(NotFound($"no run '{id}'"), 404));
        app.MapGet("/compare", (HttpRequest r) => Html(ComparePage.Render(data, r.Query["id"].OfType<string>().SelectMany(i => i.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList())));
        app.MapGet("/lineage", (HttpRequest r) => Html(LineagePage.Render(data, r.Query["id"], int.TryParse(r.Query["depth"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? Math.Clamp(d, 1, 50) : 6)));
        app.MapGet("/queue", (HttpContext c) => Html(QueuePage.Render(data, c.Request.Query["all"] == "1", Csrf(c), null, c.Request.Query["notice"])));
        app.MapGet("/files/{run}/{**path}", (string run, string? path) => RunFileEndpoint.Serve(data, run, path));
        app.MapPost("/queue/cancel", async (HttpContext c) =>
        {
            if (!await UiSecurity.Forgery(c, antiforgery)) return Results.Empty;
            var id = (await c.Request.ReadFormAsync())["id"].ToString();
            var outcome = data.Cancel(id);
            return Notice(outcome switch
            {
                IBot.Pipeline.Scheduling.CancelOutcome.Removed => $"cancelled {id} (it had not started)",
                IBot.Pipeline.Scheduling.CancelOutcome.Stopping => $"stopping {id}: it checkpoints and stops",
                IBot.Pipeline.Scheduling.CancelOutcome.AlreadyFinished => $"{id} had already finished",
                _ => $"run '{id}' is not in the queue",
            });
        });
        app.MapPost("/queue/priority", async (HttpContext c) =>
        {
            if (!await UiSecurity.Forgery(c, antiforgery)) return Results.Empty;
            var form = await c.Request.ReadFormAsync();
            var id = form["id"].ToString();
            if (!int.TryParse(form["priority"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority)) return Notice($"'{form["priority"]}' is not a whole number");
            return Notice(data.Queue.SetPriority(id, priority) ? $"{id}: priority {priority}" : $"{id} is not queued: its priority stays");
        });
        app.MapPost("/queue/submit", async (HttpContext c) =>
        {
            if (!await UiSecurity.Forgery(c, antiforgery)) return Results.Empty;
            var outcome = await SpecSubmission.Handle(data, await c.Request.ReadFormAsync());
            // The page again, with the outcome: a refused spec is an answer of the form, not a failed request.
            return Html(QueuePage.Render(data, false, Csrf(c), outcome, null));
        });
        app.MapGet("/login", (HttpContext c) => Html(LoginPage.Render(Csrf(c), c.Request.Query["next"], false)));
        app.MapPost("/login", async (HttpContext c) =>
        {
            if (!await UiSecurity.Forgery(c, antiforgery)) return Results.Empty;
            var form = await c.Request.ReadFormAsync();
            if (login is null) return Results.Redirect("/");
            if (!login.IsToken(form["token"].ToString())) return Html(LoginPage.Render(Csrf(c), form["next"], true), 401);
            c.Response.Cookies.Append(UiSecurity.CookieName, login.CookieValue, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = c.Request.IsHttps, Path = "/" });
            return Results.Redirect(LoginPage.Next(form["next"]));
        });
        ApiEndpoints.Map(app, data);
        return app;
    }

    /// <summary>Loads the runs table once over HTTP after start, so the first person to open it does not wait for the
    /// code paths to compile and the lineage database to open (several hundred milliseconds on a cold process); the time it took.</summary>
    public static async Task<TimeSpan> WarmUp(WebApplication app, string? token, CancellationToken cancellationToken = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
        if (token is { Length: > 0 }) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/", cancellationToken);
        await http.GetByteArrayAsync("/assets/ui.css", cancellationToken);
        return watch.Elapsed;
    }

    /// <summary>The address the app listens on once started (the real port when 0 was asked).</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>A store that fails during a request (a lost PostgreSQL connection, a locked or damaged database file)
    /// answers 503 with the store's one-line message, as the CLI prints it: JSON <c>{"error": …}</c> under <c>/api/</c>, a page
    /// otherwise. The next request tries the store again, so the UI recovers by itself when the store does.</summary>
    private static async Task StoreUnavailable(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (IBot.Pipeline.Storage.StoreException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            if (context.Request.Path.StartsWithSegments("/api"))
                await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = e.Message });
            else
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(IBot.Web.Html.Layout.Page("Store unavailable", "",
                    $"<div class=\"error\">{IBot.Web.Html.HtmlText.E(e.Message)}</div><p>Reload the page when the store answers again.</p>"));
            }
        }
    }

    private static IResult Html(string page, int status = 200) => Results.Content(page, "text/html; charset=utf-8", statusCode: status);

    private static IResult Notice(string text) => Results.Redirect("/queue?notice=" + Uri.EscapeDataString(text));

    private static string NotFound(string message) => IBot.Web.Html.Layout.Page("Not found", "", $"<div class=\"error\">{IBot.Web.Html.HtmlText.E(message)}</div>");

}

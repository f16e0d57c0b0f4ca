using System.Net;
using System.Text.RegularExpressions;
using IBot.Cli;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Storage;
using Spectre.Console.Testing;

namespace IBot.Web.Tests;

/// <summary>Binding and the token: 127.0.0.1 by default; another host only with a token, which every request then needs
/// (the login form's cookie or a bearer header).</summary>
public sealed partial class UiSecurityTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-security-").FullName;

    [Fact]
    public async Task Another_host_without_a_token_is_refused_before_anything_starts()
    {
        // With a token in the environment ibot ui would bind and serve (and this test would wait for ever).
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(UiOptions.TokenVariable)), $"unset {UiOptions.TokenVariable} to run this test");
        var console = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, ["ui", "--host", "0.0.0.0", "--port", "0", "--workspace", Path.Combine(dir, "ws")]);
        Assert.Equal(2, code);
        Assert.Contains("--host 0.0.0.0 is reachable from other machines: give --token (or $IBOT_UI_TOKEN)", console.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "ws")));
        Assert.Throws<ArgumentException>(() => new UiOptions { Stores = Lite(dir), Host = "10.1.2.3" }.Check());
        new UiOptions { Stores = Lite(dir), Host = "10.1.2.3", Token = "t" }.Check();
        new UiOptions { Stores = Lite(dir), Host = "localhost" }.Check();
        new UiOptions { Stores = Lite(dir), Host = "::1" }.Check();
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_the_login_form_sets_a_cookie()
    {
        await using var app = UiApp.Build(new UiOptions { Stores = Lite(Path.Combine(dir, "ws")), Port = 0, Token = "s3cret-token" });
        await app.StartAsync();
        var url = UiApp.Address(app);
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = new Uri(url) };

        using (var page = await http.GetAsync("/queue"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login?next=%2Fqueue", page.Headers.Location!.OriginalString);
        }
        foreach (var path in new[] { "/api/runs", "/api/queue" })
        {
            using var api = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
        foreach (var path in new[] { "/", "/files/x/run.log", "/runs/x", "/lineage?id=x" })
        {
            using var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login?next=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        using (var post = await http.PostAsync("/queue/cancel", new FormUrlEncodedContent([new("id", "x")])))
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);

        // A bearer header, for scripts.
        using (var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "Bearer s3cret-token" } } })
        using (var ok = await http.SendAsync(bearer))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "Bearer s3cret-tokeN" } } })
        using (var refused = await http.SendAsync(wrong))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // The login form: a wrong token is refused, the right one sets the cookie, then pages load.
        var csrf = Csrf().Match(await http.GetStringAsync("/login")).Groups[1].Value;
        Assert.NotEmpty(csrf);
        using (var bad = await http.PostAsync("/login", new FormUrlEncodedContent([new("__csrf", csrf), new("token", "nope"), new("next", "/queue")])))
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        using (var noCsrf = await http.PostAsync("/login", new FormUrlEncodedContent([new("token", "s3cret-token")])))
            Assert.Equal(HttpStatusCode.BadRequest, noCsrf.StatusCode);
        using (var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("__csrf", csrf), new("token", "s3cret-token"), new("next", "/queue")])))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/queue", login.Headers.Location!.OriginalString);
            Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ibot_ui_token=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        }
        using (var page = await http.GetAsync("/queue"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_login_cookie_is_not_the_token_and_only_the_cookie_this_ui_set_is_accepted()
    {
        const string token = "s3cret-token";
        await using var app = UiApp.Build(new UiOptions { Stores = Lite(Path.Combine(dir, "ws")), Port = 0, Token = token });
        await app.StartAsync();
        var url = UiApp.Address(app);
        string setCookie;
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(url) })
        {
            var csrf = Csrf().Match(await http.GetStringAsync("/login")).Groups[1].Value;
            using var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("__csrf", csrf), new("token", token), new("next", "/")]));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Security.UiSecurity.CookieName + "=", StringComparison.Ordinal));
        }
        var cookie = setCookie[(Security.UiSecurity.CookieName.Length + 1)..].Split(';')[0];
        Assert.NotEmpty(cookie);
        foreach (var form in new[] { token, Uri.EscapeDataString(token), Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=') })
            Assert.DoesNotContain(form, setCookie, StringComparison.OrdinalIgnoreCase);

        // Sent by clients that never logged in: the cookie the login set is accepted; the token itself, or the cookie
        // changed by one character, is not.
        Assert.Equal(HttpStatusCode.OK, await WithCookie(url, cookie, "/api/runs"));
        Assert.Equal(HttpStatusCode.OK, await WithCookie(url, cookie, "/queue"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(url, token, "/api/runs"));
        Assert.Equal(HttpStatusCode.Redirect, await WithCookie(url, token, "/queue"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(url, cookie[..^1] + (cookie[^1] == 'A' ? 'B' : 'A'), "/api/runs"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(url, "", "/api/runs"));

        // Another start with the same token makes another key: the first one's cookie means nothing to it.
        await using var again = UiApp.Build(new UiOptions { Stores = Lite(Path.Combine(dir, "ws")), Port = 0, Token = token });
        await again.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(UiApp.Address(again), cookie, "/api/runs"));
        await again.StopAsync();
        await app.StopAsync();
    }

    /// <summary>The status of a GET that carries only this login cookie (no cookie jar, no redirects followed).</summary>
    private static async Task<HttpStatusCode> WithCookie(string url, string value, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Cookie", $"{Security.UiSecurity.CookieName}={value}" } } };
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("/queue", "/queue")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData(null, "/")]
    public void After_login_only_a_local_path_is_followed(string? next, string expected) => Assert.Equal(expected, Pages.LoginPage.Next(next));

    /// <summary>The workspace's own LiteDB files, as <c>ibot ui</c> opens them without <c>--store</c>.</summary>
    private static WorkspaceStores Lite(string workspace) => StoreFactory.Lite.Open(StoreLocation.Workspace, new Workspace(workspace));

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

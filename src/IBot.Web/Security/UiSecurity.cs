using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace IBot.Web.Security;

/// <summary>
/// What guards the UI: response headers (a Content-Security-Policy that allows only ibot's own scripts, styles and
/// images, so even text that escaped escaping could not run), the token every request needs when one is set (the
/// login form's cookie, or <c>Authorization: Bearer</c>; only the login form and ibot's own stylesheet and script, which
/// hold no data, are served without it; the cookie holds a MAC of the token, never the token: <see cref="UiLogin"/>),
/// and the anti-forgery check of every state-changing POST.
/// </summary>
public static class UiSecurity
{
    public const string CookieName = "ibot_ui_token";
    public const string CsrfField = "__csrf";
    public const string CsrfHeader = "X-CSRF-Token";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Headers on every response, and the token gate when <paramref name="login"/> is set.</summary>
    public static async Task Gate(HttpContext context, Func<Task> next, UiLogin? login)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (login is null || context.Request.Path.Equals("/login", StringComparison.Ordinal)
            || context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal) || Presented(context, login))
        {
            await next();
            return;
        }
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || context.Request.Method != HttpMethods.Get)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("a token is needed: Authorization: Bearer TOKEN, or log in at /login");
            return;
        }
        context.Response.Redirect("/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
    }

    /// <summary>Whether the request carries the token in a bearer header, or else the login cookie (which is not the
    /// token: see <see cref="UiLogin"/>); both compared in constant time.</summary>
    public static bool Presented(HttpContext context, UiLogin login)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? login.IsToken(authorization["Bearer ".Length..].Trim())
            : login.IsCookie(context.Request.Cookies[CookieName]);
    }

    public static bool Same(string given, string token) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>False (and a 400 written) when a POST lacks a valid anti-forgery token.</summary>
    public static async Task<bool> Forgery(HttpContext context, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(context)) return true;
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsync("refused: the form's anti-forgery token is missing or wrong (reload the page)");
        return false;
    }
}

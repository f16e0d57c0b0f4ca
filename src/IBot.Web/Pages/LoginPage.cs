using IBot.Web.Html;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Pages;

/// <summary>The login form (<c>/login</c>) of a UI started with a token: the token, once, sets an HTTP-only cookie.</summary>
public static class LoginPage
{
    public static string Render(string csrf, string? next, bool failed) => Layout.Page("Log in", "",
        (failed ? "<div class=\"error\" id=\"login-error\">wrong token</div>" : "")
        + "<h1>Log in</h1><form method=\"post\" action=\"/login\" class=\"query\">" + QueuePage.Token(csrf)
        + $"<input type=\"hidden\" name=\"next\" value=\"{E(next)}\"><input type=\"password\" name=\"token\" id=\"token\" placeholder=\"token (--token or $IBOT_UI_TOKEN)\" autofocus>"
        + "<button type=\"submit\" id=\"login\">Log in</button></form>");

    /// <summary>A local path to go back to after logging in; anything else (another site) goes to the runs.</summary>
    public static string Next(string? next) =>
        next is { Length: > 0 } n && n.StartsWith('/') && !n.StartsWith("//", StringComparison.Ordinal) && !n.StartsWith("/\\", StringComparison.Ordinal) ? n : "/";
}

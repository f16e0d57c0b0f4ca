using System.Net;
using System.Text.RegularExpressions;

namespace IBot.Web.Tests;

/// <summary>The queue page's submit forms as a client posts them: the anti-forgery token read from the page (its cookie
/// kept by the client), then the form; the page that answers, and the message it shows.</summary>
public static partial class QueueForms
{
    /// <summary>Posts a spec of the specs folder by name (<c>path</c>); the page that answers.</summary>
    public static Task<string> SubmitListed(HttpClient http, string path, string action) =>
        Post(http, csrf => new FormUrlEncodedContent([new("__csrf", csrf), new("path", path), new("action", action)]));

    /// <summary>Uploads <paramref name="text"/> as the file <paramref name="fileName"/>; the page that answers.</summary>
    public static Task<string> Upload(HttpClient http, string fileName, string text, string action) =>
        Post(http, csrf => new MultipartFormDataContent
        {
            { new StringContent(csrf), "__csrf" },
            { new StringContent(action), "action" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text)), "file", fileName },
        });

    /// <summary>The message above the form (<c>#submit-result</c>), as the browser shows it.</summary>
    public static string Result(string html)
    {
        var match = ResultDiv().Match(html);
        Assert.True(match.Success, html);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The run ids a "queued N runs: A, B" message names.</summary>
    public static string[] QueuedIds(string message) => message[(message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..].Split(", ");

    private static async Task<string> Post(HttpClient http, Func<string, HttpContent> form)
    {
        var csrf = Csrf().Match(await http.GetStringAsync("/queue")).Groups[1].Value;
        Assert.NotEmpty(csrf);
        using var content = form(csrf);
        using var response = await http.PostAsync("/queue/submit", content);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        return html;
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();

    [GeneratedRegex("id=\"submit-result\">([^<]*)</div>")]
    private static partial Regex ResultDiv();
}

using System.Text;
using static IBot.Web.Html.HtmlText;

namespace IBot.Web.Html;

/// <summary>The frame of every page: title, navigation, the stylesheet and script ibot serves itself.</summary>
public static class Layout
{
    private static readonly (string Href, string Name)[] Nav = [("/", "Runs"), ("/compare", "Compare"), ("/lineage", "Lineage"), ("/queue", "Queue")];

    public static string Page(string title, string active, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append(" · ibot</title>");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/assets/ui.css\"><script src=\"/assets/ui.js\" defer></script></head><body>");
        html.Append("<header><a class=\"brand\" href=\"/\">ibot</a><nav>");
        foreach (var (href, name) in Nav)
            html.Append("<a href=\"").Append(href).Append('"').Append(name == active ? " class=\"active\"" : "").Append('>').Append(name).Append("</a>");
        html.Append("</nav></header><main>").Append(body).Append("</main></body></html>");
        return html.ToString();
    }
}

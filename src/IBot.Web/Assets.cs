using Microsoft.AspNetCore.Http;

namespace IBot.Web;

/// <summary>The UI's stylesheet and script, embedded in this assembly (no CDN, no build step): served by name, cached
/// by the browser for an hour.</summary>
public static class Assets
{
    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = Load();

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource["assets/".Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            });
        }
        return files;
    }

    public static IResult Serve(string name) =>
        Files.TryGetValue(name, out var file) ? new CachedFile(file.Bytes, file.Type) : Results.NotFound();

    /// <summary>An asset with a cache lifetime.</summary>
    private sealed class CachedFile(byte[] bytes, string type) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = type;
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return context.Response.Body.WriteAsync(bytes).AsTask();
        }
    }
}

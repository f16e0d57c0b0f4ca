using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace IBot.Web.Api;

/// <summary>
/// <c>GET /files/{run}/{path}</c>: a file inside a run's folder (figures, logs, metrics). The path is resolved and must
/// stay inside the folder: <c>..</c>, absolute paths and links that lead out of it are refused (404), so nothing else
/// on the machine (the lineage database, another user's files) is reachable.
/// </summary>
public static class RunFileEndpoint
{
    private static readonly FileExtensionContentTypeProvider Types = new()
    {
        // What run folders hold besides figures: shown as text in the browser.
        Mappings = { [".log"] = "text/plain", [".jsonl"] = "text/plain", [".yaml"] = "text/plain", [".yml"] = "text/plain" },
    };

    public static IResult Serve(UiData data, string run, string? path)
    {
        if (data.FindRun(run) is not { } record || Resolve(data.RunFolder(record), path ?? "") is not { } file) return Results.NotFound();
        if (!Types.TryGetContentType(file, out var type)) type = "application/octet-stream";
        // Text is shown as text, never as a page of the UI's origin.
        if (type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal)) type = "text/plain; charset=utf-8";
        if (type.Contains("svg", StringComparison.Ordinal) || type.Contains("html", StringComparison.Ordinal)) type = "application/octet-stream";
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Results.Stream(stream, type);
    }

    /// <summary>The full path of <paramref name="relative"/> inside <paramref name="folder"/> when it is an existing file there
    /// (its real path, links followed, inside the folder's real path); otherwise null.</summary>
    public static string? Resolve(string folder, string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0') || Path.IsPathRooted(relative)) return null;
        var root = Real(Path.GetFullPath(folder)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root, StringComparison.Ordinal) || !File.Exists(full)) return null;
        var real = Real(full);
        return real.StartsWith(root, StringComparison.Ordinal) ? real : null;
    }

    /// <summary>The path with every link along it followed.</summary>
    private static string Real(string path)
    {
        var parent = Path.GetDirectoryName(path);
        var resolvedParent = parent is null ? null : Real(parent);
        var here = resolvedParent is null ? path : Path.Combine(resolvedParent, Path.GetFileName(path));
        var info = new FileInfo(here);
        if (info.LinkTarget is null) return here;
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? here : Path.GetFullPath(target.FullName);
    }
}

using System.IO.Enumeration;
using IBot.Web.Api;

namespace IBot.Web;

/// <summary>
/// The folder of spec files on the server that the queue page offers (<c>ibot ui --specs DIR</c>, <c>ibot serve
/// --ui-specs DIR</c>, default <c>./specs</c>): its <c>*.yaml</c> and <c>*.yml</c> files, every level down, by their
/// names relative to it. A listed spec is submitted where it lies, so its <c>extends</c> chain resolves as
/// <c>ibot submit DIR/NAME</c> resolves it; an uploaded spec's own relative <c>extends</c> resolves against the folder.
/// Only a name the folder lists is accepted: <c>..</c>, absolute paths and links that lead out of it are refused, as
/// the run-file endpoint refuses them (<see cref="RunFileEndpoint.Resolve"/>).
/// </summary>
public sealed class SpecFolder(string root)
{
    /// <summary>The folder's full path.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The spec files' names relative to <see cref="Root"/> (<c>/</c> between folders), sorted. Hidden files and
    /// folders are left out and linked folders not entered; a linked file is listed only when it leads to a file inside
    /// the folder.</summary>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(Root)) return [];
        var files = new FileSystemEnumerable<string>(Root, (ref FileSystemEntry e) => e.ToFullPath(), new EnumerationOptions { RecurseSubdirectories = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && IsSpecName(e.FileName),
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return files.Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(name => RunFileEndpoint.Resolve(Root, name) is not null)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The full path of the listed spec <paramref name="name"/> (as <see cref="List"/> names it), where it lies
    /// (links not followed, so a relative <c>extends</c> resolves as from the command line); null for any other name.</summary>
    public string? Resolve(string name) =>
        name.Length > 0 && List().Contains(name, StringComparer.Ordinal) ? Path.GetFullPath(Path.Combine(Root, name)) : null;

    private static bool IsSpecName(ReadOnlySpan<char> name) =>
        name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
}

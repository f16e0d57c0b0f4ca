using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Lineage.Recording;

/// <summary>
/// Fingerprints of a spec's data sources: the canonical JSON of the source's section (kind and
/// options), plus, where an option names a file or folder that exists (<c>path</c>,
/// <c>file_list</c>), the count, total size and a hash of the sorted (relative path, size) listing.
/// A changed, added or removed file changes the fingerprint; contents are not read.
/// </summary>
public static class DatasetFingerprints
{
    private static readonly string[] PathOptions = ["path", "file_list"];

    public static List<DatasetFingerprint> Of(SpecMapping tree, string? baseDirectory = null)
    {
        var result = new List<DatasetFingerprint>();
        if (tree["data"] is not SpecMapping data) return result;
        foreach (var (key, value) in data.Entries)
        {
            if (value is not SpecMapping section) continue;
            var listing = new StringBuilder();
            long? files = null, bytes = null;
            foreach (var option in PathOptions)
            {
                if (section[option] is not SpecScalar { IsNull: false } scalar) continue;
                var path = Path.GetFullPath(scalar.Value, baseDirectory ?? Directory.GetCurrentDirectory());
                var entries = Listing(path);
                if (entries is null) continue;
                files = (files ?? 0) + entries.Count;
                bytes = (bytes ?? 0) + entries.Sum(e => e.Size);
                foreach (var (name, size) in entries) listing.Append(option).Append('\t').Append(name).Append('\t').Append(size.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            var kind = (section["kind"] as SpecScalar)?.Value ?? "?";
            var hash = FileHashes.Sha256Text(CanonicalSpec.Json(section) + "\n" + listing);
            var description = kind + string.Concat(section.Entries.Where(e => e.Key.Value != "kind" && e.Value is SpecScalar)
                .Select(e => $" {e.Key.Value}={((SpecScalar)e.Value).Value}"));
            result.Add(new DatasetFingerprint("data:" + hash[..16], hash, key.Value, kind, description, files, bytes));
        }
        return result;
    }

    /// <summary>The distinct datasets of <paramref name="fingerprints"/>, for <see cref="RunRecord.Datasets"/>.</summary>
    public static List<string> Ids(IEnumerable<DatasetFingerprint> fingerprints) => fingerprints.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Role → dataset id, for <see cref="RunRecord.DataRoles"/>: every role, also when two read the same data.</summary>
    public static SortedDictionary<string, string> Roles(IEnumerable<DatasetFingerprint> fingerprints) =>
        new(fingerprints.ToDictionary(d => d.Role, d => d.Id), StringComparer.Ordinal);

    private static List<(string Name, long Size)>? Listing(string path)
    {
        if (File.Exists(path)) return [(Path.GetFileName(path), new FileInfo(path).Length)];
        if (!Directory.Exists(path)) return null;
        return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(path, f.FullName).Replace('\\', '/'), f.Length))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();
    }
}

namespace IBot.Pipeline.Hosting;

/// <summary>Run and sweep ids: readable (the experiment name and the UTC time) and unique
/// (a random suffix, since a sweep creates many runs within one second).</summary>
public static class RunIds
{
    public static string New(string name, string? prefix = null) =>
        $"{prefix}{Slug(name)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static string Slug(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return slug.Length == 0 ? "run" : slug;
    }
}

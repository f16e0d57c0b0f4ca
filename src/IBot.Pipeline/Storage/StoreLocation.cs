using System.Globalization;

namespace IBot.Pipeline.Storage;

/// <summary>
/// Where the queue, the schedules and lineage live: <c>--store URL</c>, else the <c>IBOT_STORE</c>
/// environment variable, else the workspace's own LiteDB files (<c>queue.db</c>, <c>lineage.db</c>).
/// <c>postgres://user@host:port/database</c> selects PostgreSQL, shared by several <c>ibot serve</c>
/// nodes. The URL never carries a password: it is printed in logs and passed on child processes'
/// command lines, so the password comes from <c>PGPASSWORD</c> or a <c>.pgpass</c> file, which the
/// PostgreSQL client reads itself; a URL with one is refused.
/// </summary>
public sealed record StoreLocation
{
    public const string EnvironmentVariable = "IBOT_STORE";

    /// <summary>The workspace's LiteDB files: the one-machine default.</summary>
    public static StoreLocation Workspace { get; } = new();

    /// <summary>null for the workspace's files; otherwise the URL as given (without a password).</summary>
    public string? Url { get; private init; }

    public bool IsPostgres => Url is not null;

    public string Host { get; private init; } = "";

    public int Port { get; private init; } = 5432;

    public string Database { get; private init; } = "";

    public string User { get; private init; } = "";

    /// <summary>What commands show: the URL, or that the workspace's files are the store.</summary>
    public string Describe(string workspaceRoot) => Url ?? $"litedb: {workspaceRoot}/queue.db, lineage.db";

    /// <summary>The option when given, else <c>IBOT_STORE</c>, else the workspace's files. Throws
    /// <see cref="ArgumentException"/> (bad input, exit 2) for a URL that cannot be used.</summary>
    public static StoreLocation Resolve(string? option, Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        var chosen = !string.IsNullOrWhiteSpace(option) ? option.Trim()
            : getEnvironment(EnvironmentVariable) is { Length: > 0 } env ? env.Trim() : null;
        return chosen is null or "litedb" or "workspace" ? Workspace : Parse(chosen);
    }

    /// <summary><c>postgres://user@host[:port]/database</c> (or <c>postgresql://</c>).</summary>
    public static StoreLocation Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
            throw new ArgumentException($"--store '{Redact(url)}' is not a store: give postgres://user@host:port/database (or leave it out for the workspace's LiteDB files)");
        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        if (userInfo.Contains(':'))
            throw new ArgumentException($"--store '{Redact(url)}' carries a password: command lines and logs show the URL, so give the password in PGPASSWORD or a .pgpass file instead");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (userInfo.Length == 0 || uri.Host.Length == 0 || database.Length == 0 || database.Contains('/'))
            throw new ArgumentException($"--store '{Redact(url)}' needs a user, a host and a database: postgres://user@host:port/database");
        if (uri.Query.Length > 0)
            throw new ArgumentException($"--store '{Redact(url)}' has options ({uri.Query}); ibot takes only postgres://user@host:port/database");
        var port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
        return new StoreLocation
        {
            Url = $"postgres://{Uri.EscapeDataString(userInfo)}@{uri.Host}:{port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(database)}",
            Host = uri.Host, Port = port, Database = database, User = userInfo,
        };
    }

    /// <summary>The URL with anything between <c>://</c> and <c>@</c> after a colon hidden, for error messages.</summary>
    private static string Redact(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme) return url;
        var colon = url.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? url[..colon] + ":***" + url[at..] : url;
    }

    public override string ToString() => Url ?? "workspace";
}

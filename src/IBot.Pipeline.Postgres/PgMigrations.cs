using System.Globalization;
using IBot.Pipeline.Lineage;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// The schema's history, owned by the project: numbered scripts (<c>Migrations/NNNN_*.sql</c>), each applied
/// once, in order, in one transaction with its row in <c>ibot_schema_version</c>, under an advisory lock so
/// that nodes starting together migrate once. A database whose version is higher than this ibot knows was
/// made by a newer ibot and is refused with one line; nothing is changed in it.
/// </summary>
public static class PgMigrations
{
    public static readonly IReadOnlyList<string> All = ["0001_ibot.sql"];

    // Any fixed number: the lock that serialises migrations across nodes.
    private const long LockKey = 0x1b07_5c4e_3a11;

    /// <summary>The version the database holds; migrates it first when <paramref name="write"/>. Throws
    /// <see cref="LineageStoreException"/> for a database of a newer ibot.</summary>
    public static int Apply(NpgsqlConnection connection, bool write, string url)
    {
        var version = Current(connection, url);
        if (version == All.Count || !write) return version;
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})");
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS ibot_schema_version (
              version integer PRIMARY KEY, script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL)
            """);
        version = Current(connection, url, transaction);
        for (var v = version + 1; v <= All.Count; v++)
        {
            Execute(connection, transaction, PgDatabase.Resource(All[v - 1]));
            using var record = new NpgsqlCommand("INSERT INTO ibot_schema_version (version, script, applied_by) VALUES (@v, @s, @b)", connection, transaction);
            record.Parameters.AddWithValue("v", v);
            record.Parameters.AddWithValue("s", All[v - 1]);
            record.Parameters.AddWithValue("b", "ibot " + (typeof(PgMigrations).Assembly.GetName().Version?.ToString() ?? "unknown"));
            record.ExecuteNonQuery();
        }
        transaction.Commit();
        return All.Count;
    }

    /// <summary>The highest version applied (0 when the database has no ibot schema).</summary>
    public static int Current(NpgsqlConnection connection, string? url = null, NpgsqlTransaction? transaction = null)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('ibot_schema_version') IS NOT NULL", connection, transaction);
        if (exists.ExecuteScalar() is not true) return 0;
        using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM ibot_schema_version", connection, transaction);
        var version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > All.Count)
            throw new LineageStoreException($"the PostgreSQL store {url ?? connection.Database} has schema version {version}, made by a newer ibot; this ibot knows up to version {All.Count}. Upgrade ibot; the database was left as it is");
        return version;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}

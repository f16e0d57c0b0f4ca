using System.Reflection;
using IBot.Pipeline.Storage;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// One PostgreSQL database as ibot's store: a pooled data source (no password in the connection string:
/// Npgsql reads <c>PGPASSWORD</c> or <c>.pgpass</c>), the schema's migrations, and units of work. Every
/// unit is one transaction; whatever the server or the network throws becomes the store's
/// <see cref="StoreException"/>, one line naming the URL, marked transient when the server could not be
/// reached (a node stops claiming and tries again), so a lost connection never crashes a command.
/// </summary>
public sealed class PgDatabase
{
    private static readonly Dictionary<string, NpgsqlDataSource> Sources = new(StringComparer.Ordinal);

    private readonly NpgsqlDataSource source;
    private volatile bool migrated;

    public PgDatabase(StoreLocation location)
    {
        Location = location;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = location.Host, Port = location.Port, Database = location.Database, Username = location.User,
            // A node that lost the server notices within seconds, not minutes.
            Timeout = 5, CommandTimeout = 60, ApplicationName = "ibot",
        }.ConnectionString;
        lock (Sources)
            source = Sources.TryGetValue(ConnectionString, out var s) ? s : Sources[ConnectionString] = NpgsqlDataSource.Create(ConnectionString);
    }

    public StoreLocation Location { get; }

    /// <summary>Host, port, database and user: never a password, so it may go into logs.</summary>
    public string ConnectionString { get; }

    /// <summary>The highest migration this ibot knows.</summary>
    public static int SchemaVersion => PgMigrations.All.Count;

    /// <summary>A unit of work in one transaction, after the schema is checked (and, for
    /// <paramref name="write"/>, brought up to date). Reads of a database without ibot's schema get <paramref name="empty"/>.</summary>
    public T Run<T>(bool write, Func<NpgsqlConnection, NpgsqlTransaction, T> work, Func<T> empty, Func<string, Exception?, StoreException> error)
    {
        try
        {
            using var connection = source.OpenConnection();
            if (!migrated)
            {
                var version = PgMigrations.Apply(connection, write, Location.Url!);
                if (version == 0) return empty();
                migrated = true;
            }
            using var transaction = connection.BeginTransaction();
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (NpgsqlException e) when (e is not PostgresException || IsConnectionLoss((PostgresException)e))
        {
            var busy = error($"the PostgreSQL store {Location.Url} cannot be reached ({OneLine(e.Message)})", e);
            busy.Transient = true;
            throw busy;
        }
        catch (PostgresException e)
        {
            throw error($"the PostgreSQL store {Location.Url} refused a statement ({OneLine(e.MessageText)}); nothing of it was written", e);
        }
        catch (InvalidOperationException e) when (e.InnerException is NpgsqlException)
        {
            var busy = error($"the PostgreSQL store {Location.Url} cannot be reached ({OneLine(e.Message)})", e);
            busy.Transient = true;
            throw busy;
        }
    }

    /// <summary>The schema version the database holds (0: none yet) after checking it is not newer than this ibot's.</summary>
    public int Verify(Func<string, Exception?, StoreException> error) =>
        Run(false, (c, _) => PgMigrations.Current(c), () => 0, error);

    // Server shutting down, connection-level failures: SQLSTATE classes 08 (connection) and 57P (operator intervention).
    private static bool IsConnectionLoss(PostgresException e) => e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("IBot.Pipeline.Postgres.Migrations." + name)
            ?? throw new InvalidOperationException($"migration {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

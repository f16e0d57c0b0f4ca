using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IBot.Pipeline.Storage;
using Npgsql;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>
/// A private PostgreSQL cluster for this test process: <c>initdb</c> in a temporary folder, <c>pg_ctl start</c>
/// on a free loopback port with its socket in that folder (no system service, nothing outside the folder),
/// stopped and deleted when the test process exits, however it exits: a small watchdog shell (its own session,
/// so it outlives the test host) waits for the test process, then stops the server and deletes the folder;
/// a process-exit handler would not survive a killed test host. Each test gets its own database (<see cref="NewDatabase"/>).
/// PostgreSQL refuses to run as root, so when the tests run as root (containers, CI) the server's binaries run
/// as the <c>postgres</c> user that Debian's package creates, through <c>runuser -u postgres --</c>, and the
/// folder is handed to that user. Where the binaries are missing the tests are skipped, naming the package;
/// with <c>IBOT_REQUIRE_POSTGRES=1</c> (CI) they fail instead.
/// </summary>
public sealed class PostgresServer
{
    public const string RequireVariable = "IBOT_REQUIRE_POSTGRES";

    private static readonly Lazy<PostgresServer> Instance = new(() => new PostgresServer(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static int databases;

    private readonly string folder;
    private readonly string? binaries;
    private readonly bool asPostgresUser;

    /// <summary>The cluster of this process, started on first use.</summary>
    public static PostgresServer Shared => Instance.Value;

    /// <summary>Why there is no server here (then the tests skip); null when it runs.</summary>
    public string? Unavailable { get; }

    public int Port { get; }

    /// <summary>Skips the calling test (a <c>[SkippableFact]</c>) when PostgreSQL is not installed here,
    /// unless CI requires it, in which case the test fails with the same message.</summary>
    public static void SkipUnlessAvailable()
    {
        var reason = Shared.Unavailable;
        if (reason is null) return;
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            throw new InvalidOperationException($"{RequireVariable}=1 but the PostgreSQL tests cannot run: {reason}");
        Skip.If(true, reason);
    }

    private PostgresServer()
    {
        binaries = FindBinaries();
        if (binaries is null)
        {
            Unavailable = "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package 'postgresql'";
            folder = "";
            return;
        }
        asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            Unavailable = "running as root, PostgreSQL must run as another user, and runuser is missing";
            folder = "";
            return;
        }
        folder = Directory.CreateTempSubdirectory("ibot-pg-").FullName;
        if (asPostgresUser) Run("chown", ["-R", "postgres", folder], asServerUser: false);
        Port = FreePort();
        Run(Path.Combine(binaries, "initdb"), ["-D", Data, "-U", "ibot", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        Run(Path.Combine(binaries, "pg_ctl"), ["-D", Data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"]);
        Watch();
    }

    private string Data => Path.Combine(folder, "data");

    /// <summary>A new, empty database of this cluster, as a store URL (user <c>ibot</c>, no password: trust on loopback).</summary>
    public StoreLocation NewDatabase()
    {
        var name = "ibot_test_" + Interlocked.Increment(ref databases).ToString(CultureInfo.InvariantCulture);
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            create.ExecuteNonQuery();
        }
        return StoreLocation.Parse($"postgres://ibot@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{name}");
    }

    /// <summary>A superuser connection to the cluster's maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=ibot;Database=postgres;Pooling=false";

    /// <summary>Stops the server and deletes its folder once this process is gone.</summary>
    private void Watch()
    {
        var stop = $"{(asPostgresUser ? "runuser -u postgres -- " : "")}\"$1\" -D \"$2/data\" -m immediate -w stop";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = false };
        foreach (var a in (string[])["sh", "-c", $"while kill -0 $0 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf \"$2\"",
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Path.Combine(binaries!, "pg_ctl"), folder])
            start.ArgumentList.Add(a);
        using var watchdog = Process.Start(start);
    }

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("IBOT_PG_BIN") is { Length: > 0 } given) return File.Exists(Path.Combine(given, "initdb")) ? given : null;
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Run(string file, string[] arguments, bool asServerUser = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServerUser && asPostgresUser)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file]) start.ArgumentList.Add(a);
        }
        else start.FileName = file;
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {error.Trim()} {output.Result.Trim()}");
    }
}

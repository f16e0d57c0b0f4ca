using System.Text.Json;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// Lineage rows to and from records. Times are kept to the millisecond, as the LiteDB store keeps them,
/// so that a record reads back the same from either store; JSON columns (history, environment, data
/// roles, evaluation metrics) use the LiteDB documents' field names.
/// </summary>
internal static class PgLineageRows
{
    public const string RunColumns = "r.ordinal, r.id, r.name, r.kind, r.spec_hash, r.status, r.reason, r.created, r.updated, r.sweep, r.device, "
        + "r.folder, r.reuse_key, r.environment::text, r.datasets, r.data_roles::text, r.history::text";

    private sealed record HistoryEntry(string Status, DateTime At, string? Reason);

    private sealed record EnvironmentEntry(string Machine, string Os, string Dotnet, string? Torchsharp, string? Libtorch, string Ibot, string? SourceRevision);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Milliseconds, UTC: what the LiteDB store keeps of a time.</summary>
    public static DateTime Ms(DateTime at)
    {
        var utc = at.ToUniversalTime();
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    public static string HistoryEntryJson(StatusChange change) =>
        JsonSerializer.Serialize(new HistoryEntry(change.Status.ToString().ToLowerInvariant(), Ms(change.At), change.Reason), Json);

    public static string HistoryJson(IEnumerable<StatusChange> changes) =>
        "[" + string.Join(",", changes.Select(HistoryEntryJson)) + "]";

    public static string? EnvironmentJson(EnvironmentInfo? e) => e is null ? null
        : JsonSerializer.Serialize(new EnvironmentEntry(e.Machine, e.Os, e.DotNet, e.TorchSharp, e.LibTorch, e.Ibot, e.SourceRevision), Json);

    public static string RolesJson(IReadOnlyDictionary<string, string> roles) => JsonSerializer.Serialize(roles);

    public static string MetricsJson(IReadOnlyDictionary<string, double> metrics) => JsonSerializer.Serialize(metrics);

    public static (short Kind, double? Number, string? Text) Param(LineageValue v) => v.Kind switch
    {
        LineageValueKind.Text => (2, null, v.Text),
        LineageValueKind.Bool => (3, v.Number, null),
        _ => (1, v.Number, null),
    };

    public static LineageValue Param(short kind, double? number, string? text) => kind switch
    {
        2 => LineageValue.Of(text!),
        3 => LineageValue.Of(number != 0),
        _ => LineageValue.Of(number ?? 0),
    };

    /// <summary>Whole runs (params and metric summaries included) for the given ordinals, in that order.</summary>
    public static List<RunRecord> Runs(NpgsqlConnection c, NpgsqlTransaction t, IReadOnlyList<long> ordinals)
    {
        if (ordinals.Count == 0) return [];
        var runs = new Dictionary<long, RunRecord>();
        using (var command = new NpgsqlCommand($"SELECT {RunColumns} FROM ibot_runs r WHERE r.ordinal = ANY(@o)", c, t))
        {
            command.Parameters.AddWithValue("o", ordinals.ToArray());
            using var r = command.ExecuteReader();
            while (r.Read()) runs[r.GetInt64(0)] = Run(r);
        }
        using (var command = new NpgsqlCommand("SELECT run, key, kind, num, txt FROM ibot_run_params WHERE run = ANY(@o)", c, t))
        {
            command.Parameters.AddWithValue("o", ordinals.ToArray());
            using var r = command.ExecuteReader();
            while (r.Read())
                runs[r.GetInt64(0)].Params[r.GetString(1)] = Param(r.GetInt16(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4));
        }
        using (var command = new NpgsqlCommand("SELECT run, name, last, min, max, count, last_epoch, last_step FROM ibot_run_metrics WHERE run = ANY(@o)", c, t))
        {
            command.Parameters.AddWithValue("o", ordinals.ToArray());
            using var r = command.ExecuteReader();
            while (r.Read())
                runs[r.GetInt64(0)].Metrics[r.GetString(1)] = new MetricSummary(r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetInt32(5), r.GetInt32(6), r.GetInt64(7));
        }
        return ordinals.Where(runs.ContainsKey).Select(o => runs[o]).ToList();
    }

    private static RunRecord Run(NpgsqlDataReader r)
    {
        var id = r.GetString(1);
        var environment = Text(r, 13) is { } env ? JsonSerializer.Deserialize<EnvironmentEntry>(env, Json) : null;
        var run = new RunRecord
        {
            Id = id, Name = r.GetString(2), Kind = Enum.Parse<RunKind>(r.GetString(3), ignoreCase: true), SpecHash = r.GetString(4),
            Status = Enum.Parse<RunState>(r.GetString(5), ignoreCase: true), Reason = Text(r, 6), Created = r.GetDateTime(7), Updated = r.GetDateTime(8),
            Sweep = Text(r, 9), Device = Text(r, 10), Folder = Text(r, 11), ReuseKey = Text(r, 12),
            Environment = environment is null ? null
                : new EnvironmentInfo(environment.Machine, environment.Os, environment.Dotnet, environment.Torchsharp, environment.Libtorch, environment.Ibot, environment.SourceRevision),
            Datasets = [.. r.GetFieldValue<string[]>(14)],
            History = JsonSerializer.Deserialize<List<HistoryEntry>>(r.GetString(16), Json)!
                .Select(h => new StatusChange(id, Enum.Parse<RunState>(h.Status, ignoreCase: true), DateTime.SpecifyKind(h.At, DateTimeKind.Utc), h.Reason)).ToList(),
        };
        foreach (var (role, dataset) in JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(15))!) run.DataRoles[role] = dataset;
        return run;
    }

    public static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>The query column of a run field (<see cref="RunFields.Own"/>): its SQL and whether it is a number.</summary>
    public static (string Sql, bool Number) OwnColumn(string field) => field switch
    {
        "created" => ("r.created_ms", true),
        "spec" => ("r.spec_hash", false),
        _ => ("r." + field, false),
    };
}

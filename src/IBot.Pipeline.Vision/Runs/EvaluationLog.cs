using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using IBot.Pipeline.Vision.Components;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>The file that held the evaluated weights: its path, SHA-256 (it may be overwritten
/// later) and, for a training checkpoint of this run, the epoch it was saved after.</summary>
public sealed record EvaluatedCheckpoint(string Path, string Sha256, int? Epoch);

/// <summary>
/// One line of a run's <c>evaluations.jsonl</c>: what was evaluated and how, so lineage can
/// answer "which checkpoint produced this number". <see cref="Checkpoint"/> is null when no file
/// holds the evaluated weights (at initialisation, or after an epoch without a checkpoint).
/// </summary>
public sealed record EvaluationRecord(
    DateTime Time,
    string Run,
    string Evaluator,
    string Kind,
    JsonElement? Options,
    EvaluatedNetwork Network,
    int Epoch,
    EvaluatedCheckpoint? Checkpoint,
    IReadOnlyDictionary<string, double> Metrics,
    double Seconds);

/// <summary>Appends <see cref="EvaluationRecord"/>s to <c>evaluations.jsonl</c> in a run folder, one JSON object per line, snake_case.</summary>
public sealed class EvaluationLog(string runFolder)
{
    public const string FileName = "evaluations.jsonl";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly Dictionary<(string, DateTime), string> digests = [];

    public string Path => System.IO.Path.Combine(runFolder, FileName);

    public void Append(EvaluationRecord record)
    {
        Directory.CreateDirectory(runFolder);
        File.AppendAllText(Path, JsonSerializer.Serialize(record, Json) + "\n");
    }

    /// <summary>A component's resolved options as JSON (every option, defaults included), or null if they do not serialise.</summary>
    public static JsonElement? OptionsJson(object? options)
    {
        if (options is null) return null;
        try
        {
            return JsonSerializer.SerializeToElement(options, options.GetType(), Json);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The checkpoint entry for <paramref name="path"/>, hashing each version of the file once.</summary>
    public EvaluatedCheckpoint Describe(string path, int? epoch)
    {
        var full = System.IO.Path.GetFullPath(path);
        var key = (full, File.GetLastWriteTimeUtc(full));
        if (!digests.TryGetValue(key, out var sha))
        {
            using var stream = File.OpenRead(full);
            digests[key] = sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return new EvaluatedCheckpoint(full, sha, epoch);
    }
}

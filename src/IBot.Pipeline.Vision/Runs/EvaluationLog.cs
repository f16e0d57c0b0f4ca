using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IBot.Pipeline.Vision.Runs;

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

using IBot.Pipeline.Abstractions.Runtime;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IBot.Pipeline.Runs;

/// <summary>Appends <see cref="EvaluationRecord"/>s to a run's <c>evaluations.jsonl</c>, one JSON object per line, snake_case.</summary>
public sealed class EvaluationLog(string path)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Path => path;

    public void Append(EvaluationRecord record)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        File.AppendAllText(path, JsonSerializer.Serialize(record, Json) + "\n");
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

    /// <summary>The checkpoint entry for <paramref name="path"/>; each version of the file is read
    /// once per process (<see cref="FileDigests"/>), whether here or for the lineage record.</summary>
    public static EvaluatedCheckpoint Describe(string path, int? epoch) =>
        new(System.IO.Path.GetFullPath(path), FileDigests.Sha256(path), epoch);
}

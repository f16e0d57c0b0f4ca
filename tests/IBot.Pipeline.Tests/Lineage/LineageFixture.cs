using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>A store in a temp folder and a way to make runs with chosen params and metrics.</summary>
public sealed class LineageFixture : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("ibot-lineage-").FullName;

    public LiteLineageStore Store { get; }

    public static readonly DateTime T0 = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    public LineageFixture() => Store = new LiteLineageStore(Path.Combine(Folder, "lineage.db"));

    public static RunRecord Run(string id, string name = "exp", RunState status = RunState.Completed, DateTime? created = null,
        string? sweep = null, (string Key, object Value)[]? parameters = null, string spec = "aaaa")
    {
        var at = created ?? T0;
        var run = new RunRecord
        {
            Id = id, Name = name, SpecHash = spec, Created = at, Updated = at, Sweep = sweep, Status = status,
            History = [new StatusChange(id, status, at)],
        };
        foreach (var (key, value) in parameters ?? [])
            run.Params[key] = value switch
            {
                double d => LineageValue.Of(d),
                int i => LineageValue.Of(i),
                bool b => LineageValue.Of(b),
                _ => LineageValue.Of((string)value),
            };
        return run;
    }

    public static MetricPoint Metric(string run, string name, double value, int epoch = 1) =>
        new(run, name, value, epoch, epoch * 10, T0.AddMinutes(epoch));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>A store in a temp folder (the LiteDB file unless told) and a way to make runs with chosen params and metrics.</summary>
public sealed class LineageFixture : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("ibot-lineage-").FullName;

    public ILineageStore Store { get; }

    /// <summary>The store as the LiteDB file it is, for tests of that file.</summary>
    public LiteLineageStore Lite => (LiteLineageStore)Store;

    public static readonly DateTime T0 = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    public LineageFixture() : this(new LiteStoreKind()) { }

    public LineageFixture(ILineageStoreKind kind) => Store = kind.Open(Folder);

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

using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Runs;

/// <summary>A run that passed every check and has its folder: what <see cref="RunWorker.Execute"/> runs,
/// or, when <see cref="Reused"/> is set, the completed run whose results stand for it.</summary>
public sealed record PreparedRun
{
    public required string RunId { get; init; }

    public required RunLayout Layout { get; init; }

    public required ResolvedSpec Spec { get; init; }

    public required DeviceSpec Device { get; init; }

    /// <summary>Continues the run in <see cref="Layout"/> from its checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Evaluation-only runs: the weights file (a run id resolved to its checkpoint) and its SHA-256.</summary>
    public string? Weights { get; init; }

    public string? WeightsSha256 { get; init; }

    public required IReadOnlyList<DatasetFingerprint> Datasets { get; init; }

    public required string ReuseKey { get; init; }

    /// <summary>With <c>--reuse</c>: a completed run with the same canonical inputs; nothing is run.</summary>
    public RunRecord? Reused { get; init; }

    public required ILineageStore Store { get; init; }

    /// <summary>The shared queue the run beats in (heartbeat_at), so other nodes see it alive; null on one machine.</summary>
    public Scheduling.IClusterQueue? Cluster { get; init; }

    /// <summary>The run's lineage recorder, its first record already written; its warnings go to <see cref="Warnings"/>.</summary>
    public RunRecorder? Recorder { get; init; }

    /// <summary>Where the recorder's warnings go once the run executes (its log and display).</summary>
    public RunWarnings Warnings { get; } = new();
}

/// <summary>A forwarder for warnings raised before their destination exists: the lineage recorder is made when a
/// run is prepared, its log when the run executes.</summary>
public sealed class RunWarnings
{
    private readonly List<string> early = [];
    private Action<string>? target;

    public void Report(string warning)
    {
        if (target is null) early.Add(warning);
        else target(warning);
    }

    /// <summary>From now on warnings go to <paramref name="sink"/>; those raised before are handed over first.</summary>
    public void Attach(Action<string> sink)
    {
        target = sink;
        foreach (var w in early) sink(w);
        early.Clear();
    }
}

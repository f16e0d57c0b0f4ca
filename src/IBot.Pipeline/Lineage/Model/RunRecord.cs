namespace IBot.Pipeline.Lineage.Model;

/// <summary>
/// A run as the lineage store keeps it: identity, spec, status with its history, parameters
/// flattened to dotted keys, metric summaries, where it ran and on what data. Metric series,
/// artifacts, evaluations and relations are separate records that point at the run.
/// </summary>
public sealed class RunRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public RunKind Kind { get; init; }
    public required string SpecHash { get; init; }
    public RunState Status { get; set; }
    public string? Reason { get; set; }
    public List<StatusChange> History { get; init; } = [];
    public DateTime Created { get; init; }
    public DateTime Updated { get; set; }
    public string? Sweep { get; init; }
    public string? Device { get; init; }
    public string? Folder { get; init; }
    public EnvironmentInfo? Environment { get; init; }

    /// <summary>Ids of the <see cref="DatasetFingerprint"/>s it read, each once.</summary>
    public List<string> Datasets { get; init; } = [];

    /// <summary>Which data each role of the spec read (<c>train</c>, <c>eval_train</c>, <c>eval_test</c> → dataset
    /// id): two roles may read the same data, one fingerprint, and neither role is lost. Empty for runs
    /// recorded before roles were kept; their dataset records carry one role each.</summary>
    public SortedDictionary<string, string> DataRoles { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The resolved spec's leaves by dotted key (<c>train.optimizer.lr</c>, <c>masking.ratio.1</c>).</summary>
    public SortedDictionary<string, LineageValue> Params { get; init; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, MetricSummary> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Hash of the run's canonical inputs (relevant spec sections and input artifacts): equal
    /// keys mean <c>--reuse</c> may return this run's results instead of running again.</summary>
    public string? ReuseKey { get; init; }
}

namespace IBot.Pipeline.Lineage.Bench;

/// <summary>One size of <c>ibot bench lineage</c>.</summary>
/// <remarks>BulkInsertMsPerRun: runs written 1,000 to a batch (a sweep's submission), per run.
/// SingleInsertMs: one run written alone (lock, open, transaction, close), as <c>ibot run</c> does.
/// QueryMs: the filtered, sorted query, lock to result, median of the repeats; QueryFirstMs the first.</remarks>
public sealed record LineageBenchmarkResult(int Runs, double BulkInsertMsPerRun, double SingleInsertMs, double QueryMs, double QueryFirstMs,
    int Matched, string Where, string Sort, double DatabaseMb);

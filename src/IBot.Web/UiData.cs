using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Scheduling;
using IBot.Pipeline.Storage;

namespace IBot.Web;

/// <summary>The workspace's stores as the pages and the API read and change them: the lineage store, the queue,
/// cancel as <c>ibot cancel</c> does it and submission as <c>ibot submit</c> does it. The stores are the ones the
/// front door opened from <c>--workspace</c> and <c>--store</c> (the workspace's LiteDB files or a PostgreSQL
/// database), each safe to use from several processes, so the UI runs beside <c>ibot serve</c> and <c>ibot run</c>.</summary>
public sealed class UiData(UiOptions options)
{
    private readonly WorkspaceStores stores = options.Stores;

    public Workspace Workspace => stores.Workspace;

    public ILineageStore Lineage => stores.Lineage;

    public IRunQueue Queue => stores.Queue;

    /// <summary>The spec files offered on the queue page; null when the UI has no specs folder.</summary>
    public SpecFolder? Specs { get; } = options.SpecsFolder is { } folder ? new SpecFolder(folder) : null;

    private QueueLineage QueueLineage => stores.QueueLineage(_ => { });

    public CancelOutcome Cancel(string runId) => new RunCanceller(Queue, Workspace, QueueLineage).Cancel(runId);

    /// <summary>Null when the UI was started without a spec validator (no submission).</summary>
    public RunSubmitter? Submitter() => options.Validator is { } validator
        ? new RunSubmitter(validator(), Queue, stores.Schedules, Workspace, QueueLineage)
        : null;

    /// <summary>Checks a spec file as <c>ibot validate</c> does (throws <see cref="IBot.Pipeline.Specs.SpecException"/>); the
    /// number of runs it stands for. <paramref name="extendsBase"/>: where its own relative <c>extends</c> resolves, when
    /// not its folder.</summary>
    public int CheckSpec(string path, string? extendsBase = null) => options.Validator is { } validator
        ? IBot.Pipeline.Specs.SpecRuns.Validate(validator(), path, null, extendsBase).Runs.Count
        : throw new InvalidOperationException("submission is off in this UI");

    /// <summary>The run with this id or unique prefix, or null.</summary>
    public RunRecord? FindRun(string idOrPrefix)
    {
        try
        {
            return RunDetails.FindRun(Lineage, idOrPrefix, stores.LineageLocation);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The run's folder: the one lineage recorded, else its place in the workspace.</summary>
    public string RunFolder(RunRecord run) => Path.GetFullPath(run.Folder ?? Workspace.RunFolder(run.Id));
}

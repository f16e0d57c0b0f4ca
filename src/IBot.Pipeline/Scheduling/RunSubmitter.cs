using IBot.Pipeline.Hosting;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// <c>ibot submit</c> and cron fires: compose the spec (with <c>--set</c>), validate it, expand
/// its sweep, validate every run (<see cref="SpecRuns"/>, as <c>ibot validate</c> does), then create each run's folder with its resolved
/// <c>spec.yaml</c> and enqueue them all at once. Nothing is queued unless every run is valid and
/// both stores can be used: the queue and lineage databases are checked before anything is written,
/// and the runs' lineage record is written before their folders and queue entries, so a store that
/// fails refuses the submission with nothing left behind. A spec with <c>schedule:</c> becomes a
/// schedule instead, fired later by the service.
/// </summary>
public sealed class RunSubmitter(SpecValidator validator, IRunQueue queue, IScheduleStore schedules, Workspace workspace, QueueLineage? lineage = null)
{
    /// <summary>Checks and queues (or schedules) the spec file; <paramref name="extendsBase"/>: the folder its own relative
    /// <c>extends</c> resolves against when not its folder (<see cref="SpecComposer.LoadCollecting"/>).</summary>
    public SubmitResult Submit(string specPath, IEnumerable<string> overrides, int priority, string? extendsBase = null)
    {
        // The same check as ibot validate: the spec and every run of its sweep.
        var checkedRuns = SpecRuns.Validate(validator, specPath, overrides, extendsBase);
        VerifyStores();
        if (checkedRuns.Spec.Spec.Schedule is { } cron)
        {
            var entry = new ScheduleEntry
            {
                Id = RunIds.New(checkedRuns.Spec.Spec.Name, "schedule-"),
                Name = checkedRuns.Spec.Spec.Name,
                Cron = cron,
                SpecYaml = checkedRuns.Spec.ToYaml(),
                SourcePath = Path.GetFullPath(specPath),
                Priority = priority,
                CreatedAt = DateTime.UtcNow,
            };
            schedules.Add(entry);
            return new SubmitResult(null, [], entry.Id);
        }
        return Enqueue(checkedRuns, priority);
    }

    /// <summary>A schedule's fire: its stored spec, without the schedule, queued like a submission.</summary>
    public SubmitResult Fire(ScheduleEntry entry)
    {
        var tree = SpecComposer.Parse(entry.SpecYaml, $"schedule {entry.Id}");
        tree.Remove(SweepExpander.ScheduleKey);
        var checkedRuns = SpecRuns.Validate(validator, tree, entry.SourcePath);
        VerifyStores();
        return Enqueue(checkedRuns, entry.Priority);
    }

    /// <summary>Both stores usable (or new), checked read-only before any work: throws the store's exception.</summary>
    private void VerifyStores()
    {
        queue.Verify();
        lineage?.Verify();
    }

    private SubmitResult Enqueue(SpecRuns checkedRuns, int priority)
    {
        var (tree, runs) = (checkedRuns.Tree, checkedRuns.Runs);
        // "sweep:" ids are lineage's sweep ids too.
        var sweepId = tree[SweepExpander.SweepKey] is null ? null : RunIds.New(SpecName(tree), "sweep:");
        var queued = runs.Select(r => new QueuedRun { Id = RunIds.New(r.Spec.Spec.Name), Name = r.Spec.Spec.Name, SweepId = sweepId, SpecHash = r.Spec.Hash, Priority = priority }).ToList();
        // Lineage first: the first write, so a store that fails it leaves nothing behind; and a run the
        // service may start at once already has its record to update.
        lineage?.Submitted(sweepId, SpecName(tree), queued.Zip(runs, (q, r) => (q, r.Spec)).ToList(), workspace);
        foreach (var (run, r) in queued.Zip(runs))
        {
            var folder = workspace.RunFolder(run.Id);
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(new RunLayout(folder).Spec, r.Spec.ToYaml());
        }
        queue.Enqueue(queued);
        return new SubmitResult(sweepId, queued, null);
    }

    private static string SpecName(SpecMapping tree) => (tree["name"] as SpecScalar)?.Value ?? "sweep";
}

namespace IBot.Pipeline.Specs;

/// <summary>
/// A spec as the runs it stands for, checked as <c>ibot submit</c> would queue them: the composed spec
/// (with <c>--set</c>) validated, its sweep expanded and every run validated like a spec of its own.
/// <c>ibot validate</c> and <c>ibot submit</c> (and a schedule's fire) all come through here, so a spec
/// that validates is never refused at submission. Every run's errors are collected, each naming the
/// run and its sweep values, and thrown together as one <see cref="SpecException"/>.
/// </summary>
/// <remarks>Tree: the composed tree, sweep and schedule included. Spec: the composed spec, validated.
/// Runs: one per sweep point.</remarks>
public sealed record SpecRuns(SpecMapping Tree, ResolvedSpec Spec, IReadOnlyList<SweepRun> Runs)
{
    /// <summary>Composes <paramref name="path"/> with <paramref name="overrides"/> and checks it and its runs;
    /// <paramref name="extendsBase"/> as <see cref="SpecComposer.LoadCollecting"/> takes it.</summary>
    public static SpecRuns Validate(SpecValidator validator, string path, IEnumerable<string>? overrides = null, string? extendsBase = null)
    {
        var (tree, overrideErrors) = SpecComposer.LoadCollecting(path, overrides, extendsBase);
        return Validate(validator, tree, path, overrideErrors);
    }

    /// <summary>Checks a composed tree and every run of its sweep.</summary>
    public static SpecRuns Validate(SpecValidator validator, SpecMapping tree, string sourcePath, IEnumerable<SpecError>? earlierErrors = null)
    {
        // The spec itself first: a run of an invalid spec repeats its errors.
        var spec = validator.Validate(tree, sourcePath, earlierErrors);
        var errors = new List<SpecError>();
        var runs = new List<SweepRun>();
        foreach (var point in SweepExpander.Expand(tree))
        {
            try
            {
                runs.Add(new SweepRun(validator.Validate(point.Tree, sourcePath), point));
            }
            catch (SpecException e)
            {
                var values = string.Join(", ", point.Values.Select(v => $"{v.Key}={SpecYamlWriter.Write(v.Value).Trim()}"));
                errors.AddRange(e.Errors.Select(x => x with { Message = $"{x.Message} (sweep run {point.Index + 1}: {values})" }));
            }
        }
        if (errors.Count > 0) throw new SpecException(errors.Distinct().ToList());
        return new SpecRuns(tree, spec, runs);
    }
}

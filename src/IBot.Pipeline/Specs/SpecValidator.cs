using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Components;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Turns a spec file (plus <c>--set</c> overrides) into a <see cref="ResolvedSpec"/>, or a
/// <see cref="SpecException"/> listing every problem with file:line:column: YAML syntax,
/// <c>extends</c>, unknown keys and kinds (with "did you mean"), wrong types, ranges, and the
/// cross-field checks that must hold before any compute is spent.
/// </summary>
public sealed class SpecValidator(ComponentCatalog catalog)
{
    public ResolvedSpec Validate(string path, IEnumerable<string>? overrides = null)
    {
        var (tree, overrideErrors) = SpecComposer.LoadCollecting(path, overrides);
        return Validate(tree, path, overrideErrors);
    }

    public ResolvedSpec Validate(SpecMapping tree, string sourcePath, IEnumerable<SpecError>? earlierErrors = null)
    {
        var binder = new OptionsBinder();
        var spec = binder.Bind<ExperimentSpec>(tree, "");
        var errors = new List<SpecError>(earlierErrors ?? []);
        errors.AddRange(binder.Errors);

        ResolvedComponent? Resolve(ComponentSpec? component, ComponentRole role, string path, params string[] entryKeys)
        {
            if (component is null) return null;
            var descriptor = catalog.Find(role, component.Kind);
            if (descriptor is null)
            {
                errors.Add(new SpecError(component.KindLocation,
                    $"{path}: unknown {RoleName(role)} kind '{component.Kind}'{Suggestions.Hint(component.Kind, catalog.Kinds(role))}"));
                return null;
            }
            var optionsBinder = new OptionsBinder();
            var options = optionsBinder.Bind(descriptor.OptionsType, component.Node, path, ["kind", .. entryKeys]);
            errors.AddRange(optionsBinder.Errors);
            // A component whose options did not bind is left out of the cross-field checks.
            return optionsBinder.Errors.Count == 0 ? new ResolvedComponent(descriptor, options, component) : null;
        }

        var trainData = Resolve(spec.Data.Train, ComponentRole.Data, "data.train");
        var evalTrain = Resolve(spec.Data.EvalTrain, ComponentRole.Data, "data.eval_train");
        var evalTest = Resolve(spec.Data.EvalTest, ComponentRole.Data, "data.eval_test");
        var augmentation = Resolve(spec.Augmentation, ComponentRole.Augmentation, "augmentation");
        var masking = Resolve(spec.Masking, ComponentRole.Masking, "masking");
        var backbone = Resolve(spec.Backbone, ComponentRole.Backbone, "backbone");
        var heads = new Dictionary<string, ResolvedComponent>();
        foreach (var (name, head) in spec.Heads)
            if (Resolve(head, ComponentRole.Head, $"heads.{name}") is { } r) heads[name] = r;
        var objectives = Objectives(spec, (o, path) => Resolve(o, ComponentRole.Objective, path, "weight", "name"), errors);
        var evaluators = spec.Evaluate.Select((e, i) => Resolve(e, ComponentRole.Evaluator, $"evaluate[{i}]")).OfType<ResolvedComponent>().ToList();
        // A spec without 'train' evaluates pretrained weights: the evaluation method, registered like any method.
        var method = spec.Train is not null ? Resolve(spec.Train, ComponentRole.Method, "train")
            : tree["backbone"] is not null ? Resolve(new ComponentSpec(ExperimentSpec.EvaluationMethod, new SpecMapping(tree.Location, [])), ComponentRole.Method, "evaluation")
            : null;

        var resolved = new ResolvedSpec
        {
            SourcePath = sourcePath,
            Tree = tree,
            Spec = spec,
            TrainData = trainData,
            EvalTrainData = evalTrain,
            EvalTestData = evalTest,
            Augmentation = augmentation,
            Masking = masking,
            Backbone = backbone,
            Heads = heads,
            Objectives = objectives,
            Evaluators = evaluators,
            Method = method,
        };
        // Cross-field checks run on whatever bound cleanly, so one pass reports everything.
        errors.AddRange(CrossChecks(resolved, tree));
        if (errors.Count > 0)
            throw new SpecException(errors.OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList());
        return resolved;
    }

    private static IEnumerable<SpecError> CrossChecks(ResolvedSpec r, SpecMapping tree)
    {
        var spec = r.Spec;
        var top = tree.Location;
        // "Missing section" checks only where the section is truly absent, not merely invalid.
        bool Absent(string section) => tree[section] is null;
        if (r.Backbone is null && Absent("backbone"))
            yield return new SpecError(top, "a spec needs a 'backbone' (a network to train, or one to evaluate from a checkpoint)");
        if (spec.Train is not null)
        {
            var trainLocation = tree["train"]!.Location;
            // The sections the method needs, as it declares them; a section present but invalid was reported already.
            foreach (var section in (r.Method?.Options as ITrainingOptions)?.RequiredSections ?? [])
                if (Missing(tree, section))
                    yield return new SpecError(section.StartsWith("data.", StringComparison.Ordinal) ? tree["data"]?.Location ?? top : trainLocation,
                        $"the '{r.Method!.Kind}' method needs '{section}'{(section is "heads" or "objectives" ? " (at least one entry)" : "")}");
            var devices = Math.Max(1, spec.Resources.Gpus);
            if (r.Method?.Options is ITrainingOptions train && train.BatchSize % devices != 0)
                yield return new SpecError(Locate(tree, "train.batch_size"), $"train.batch_size {train.BatchSize} does not divide evenly over {devices} GPUs (resources.gpus)");
        }
        if (spec.Train is null && r.Backbone is { } evaluated && (evaluated.Options as IPretrainedWeights)?.Weights is null)
            yield return new SpecError(evaluated.Spec.Location, "an evaluation-only spec (no 'train') needs backbone.weights: a run id, a checkpoint or safetensors file, or a reference .pth");
        if (spec.Train is null && r.Evaluators.Count == 0 && !Absent("backbone"))
            yield return new SpecError(top, "nothing to do: no 'train' and no 'evaluate'");
        if (r.Backbone?.Options is IPatchGeometry patch && r.Augmentation?.Options is ICropGeometry crops)
            foreach (var size in crops.GlobalCropSizes.Concat(crops.LocalCropSizes).Distinct())
                if (size % patch.PatchSize != 0)
                    yield return new SpecError(r.Augmentation.Spec.Location,
                        $"augmentation: crop size {size} is not a multiple of the backbone's patch size {patch.PatchSize} ({r.Backbone.Spec.Location})");
        var headNames = spec.Heads.Keys.ToList();
        foreach (var objective in r.Objectives.Select(o => o.Component))
            if (objective.Options is IHeadReference reference && !headNames.Contains(reference.Head))
                yield return new SpecError(objective.Spec.Node["head"]?.Location ?? objective.Spec.Location,
                    $"objective '{objective.Kind}' reads head '{reference.Head}', which is not in 'heads'{Suggestions.Hint(reference.Head, headNames)}");
        var data = tree["data"] as SpecMapping;
        if (r.Evaluators.Count > 0 && (data?["eval_train"] is null || data["eval_test"] is null))
            yield return new SpecError(tree["evaluate"]!.Location, "evaluation needs labelled data: 'data.eval_train' and 'data.eval_test'");
        if (spec.Schedule is { } cron && CronCheck.Problem(cron, DateTimeOffset.UtcNow) is { } cronProblem)
            yield return new SpecError(tree["schedule"]!.Location,
                $"schedule: '{(cron.Length > 80 ? cron[..80] + "…" : cron)}' {cronProblem}");
        // Binding checked the section's keys and types; the expander checks what the values mean.
        if (spec.Sweep is not null)
            foreach (var error in SweepExpander.Check(tree))
                yield return error;
    }

    /// <summary>The objectives with their term names and weights: <c>weight</c> a finite number ≥ 0 (1 when
    /// not given), <c>name</c> letters, digits and underscores (the kind when not given, numbered when a
    /// kind repeats), names unique.</summary>
    private static List<ResolvedObjective> Objectives(ExperimentSpec spec, Func<ComponentSpec, string, ResolvedComponent?> resolve, List<SpecError> errors)
    {
        var result = new List<ResolvedObjective>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Objectives.Count; i++)
        {
            var entry = spec.Objectives[i];
            var path = $"objectives[{i}]";
            var weight = 1.0;
            if (entry.Node["weight"] is { } w && !(w is SpecScalar ws && ws.TryDouble(out weight) && double.IsFinite(weight) && weight >= 0))
            {
                errors.Add(new SpecError(w.Location, $"{path}.weight must be a number >= 0, not {w.Describe()}"));
                weight = 1.0;
            }
            counts[entry.Kind] = counts.GetValueOrDefault(entry.Kind) + 1;
            var name = counts[entry.Kind] == 1 ? entry.Kind : $"{entry.Kind}{counts[entry.Kind]}";
            if (entry.Node["name"] is { } n)
            {
                if (n is SpecScalar { IsNull: false } ns && ns.Value.Length > 0 && ns.Value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) name = ns.Value;
                else errors.Add(new SpecError(n.Location, $"{path}.name must be letters, digits and underscores (it names the metric loss_<name>), not {n.Describe()}"));
            }
            if (!names.Add(name))
                errors.Add(new SpecError(entry.Node["name"]?.Location ?? entry.Location, $"{path}: another objective is already named '{name}'; give each a distinct 'name'"));
            // loss_<term>_<part>: a term named like another's prefix would make its metrics ambiguous.
            else if (names.FirstOrDefault(other => other != name && (name.StartsWith(other + "_", StringComparison.Ordinal) || other.StartsWith(name + "_", StringComparison.Ordinal))) is { } clash)
                errors.Add(new SpecError(entry.Node["name"]?.Location ?? entry.Location, $"{path}: the names '{name}' and '{clash}' would make the metrics loss_{clash}_... ambiguous; rename one"));
            if (resolve(entry, path) is { } component) result.Add(new ResolvedObjective(name, weight, component));
        }
        return result;
    }

    /// <summary>Whether a dotted section is absent from the tree, or an empty mapping or list.</summary>
    private static bool Missing(SpecMapping tree, string dotted)
    {
        SpecNode? current = tree;
        foreach (var segment in dotted.Split('.'))
            current = (current as SpecMapping)?[segment];
        return current is null or SpecScalar { IsNull: true } or SpecMapping { Entries.Count: 0 } or SpecSequence { Items.Count: 0 };
    }

    private static SourceLocation Locate(SpecMapping tree, string dotted)
    {
        SpecNode current = tree;
        foreach (var segment in dotted.Split('.'))
        {
            if (current is SpecMapping m && m[segment] is { } next) current = next;
            else break;
        }
        return current.Location;
    }

    private static string RoleName(ComponentRole role) => role switch
    {
        ComponentRole.Data => "data source",
        _ => OptionsBinder.SnakeCase(role.ToString()),
    };
}

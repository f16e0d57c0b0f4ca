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

        ResolvedComponent? Resolve(ComponentSpec? component, ComponentRole role, string path)
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
            var options = optionsBinder.Bind(descriptor.OptionsType, component.Node, path, "kind");
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
        var objectives = spec.Objectives.Select((o, i) => Resolve(o, ComponentRole.Objective, $"objectives[{i}]")).OfType<ResolvedComponent>().ToList();
        var evaluators = spec.Evaluate.Select((e, i) => Resolve(e, ComponentRole.Evaluator, $"evaluate[{i}]")).OfType<ResolvedComponent>().ToList();

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
        if (spec.Train is { } train)
        {
            var trainLocation = tree["train"]!.Location;
            if (r.TrainData is null && (tree["data"] as SpecMapping)?["train"] is null) yield return new SpecError(tree["data"]?.Location ?? top, "training needs 'data.train'");
            if (r.Augmentation is null && Absent("augmentation")) yield return new SpecError(trainLocation, "training needs an 'augmentation' section");
            if (r.Heads.Count == 0 && Absent("heads")) yield return new SpecError(trainLocation, "training needs at least one entry in 'heads'");
            if (r.Objectives.Count == 0 && Absent("objectives")) yield return new SpecError(trainLocation, "training needs at least one entry in 'objectives'");
            if (train.Precision != Precision.Fp32)
                yield return new SpecError(Locate(tree, "train.precision"),
                    $"train.precision: {OptionsBinder.SnakeCase(train.Precision.ToString())} is not available yet: TorchSharp 0.107 has no autocast, so mixed precision is not built; use fp32");
            var devices = Math.Max(1, spec.Resources.Gpus);
            if (train.BatchSize % devices != 0)
                yield return new SpecError(Locate(tree, "train.batch_size"), $"train.batch_size {train.BatchSize} does not divide evenly over {devices} GPUs (resources.gpus)");
            if (train.Optimizer.WeightDecay.Length is 0 or > 2)
                yield return new SpecError(Locate(tree, "train.optimizer.weight_decay"), "train.optimizer.weight_decay takes one value or [start, end]");
            if (train.Optimizer.WarmupEpochs > train.Epochs)
                yield return new SpecError(Locate(tree, "train.optimizer.warmup_epochs"), $"train.optimizer.warmup_epochs {train.Optimizer.WarmupEpochs} exceeds train.epochs {train.Epochs}");
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
        foreach (var objective in r.Objectives)
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

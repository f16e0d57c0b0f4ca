using System.Text.Json;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// An evaluation-only run: a backbone built from its spec and loaded from pretrained weights
/// (an ibot checkpoint or exported safetensors, or a reference <c>.pth</c>), then every evaluator
/// once. The training image size is read off the position embedding.
/// </summary>
public sealed class EvaluationRun(VitSpec backbone, string weightsPath, IImageSource train, IImageSource test,
    IReadOnlyList<PlannedEvaluator> evaluators, Device device, string runFolder, IRunObserver observer)
{
    public RunOutcome Execute(CancellationToken cancellationToken)
    {
        var state = ReferenceCheckpoint.Backbone(ReferenceCheckpoint.Read(weightsPath, backbone.Network == EvaluatedNetwork.Teacher ? "teacher" : "student"));
        if (!state.TryGetValue("pos_embed", out var pos)) throw new InvalidDataException($"{weightsPath}: no pos_embed: not a ViT backbone");
        var grid = (int)Math.Round(Math.Sqrt(pos.shape[1] - 1));
        var imgSize = grid * backbone.PatchSize;
        using var vit = new VisionTransformer(backbone.ToOptions(imgSize) with { DropPathRate = 0, MaskedImageModeling = state.ContainsKey("masked_embed") });
        StateDicts.Load(vit, state);
        vit.to(device);
        vit.eval();
        var size = backbone.EvalSize > 0 ? backbone.EvalSize : imgSize;
        var transform = new EvalTransform(size, size);
        var features = new BackboneFeatures(vit, transform, device);
        var metrics = new Dictionary<string, double>();
        Directory.CreateDirectory(runFolder);
        using var metricsFile = new StreamWriter(Path.Combine(runFolder, "metrics.jsonl"), append: true);
        observer.Message($"evaluating {weightsPath} ({backbone.Network} backbone, trained at {imgSize} px, evaluated at {size} px)");
        var evaluations = new EvaluationLog(runFolder);
        foreach (var e in evaluators)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new VisionEvaluationContext(features, null, train, test, 0, Path.Combine(runFolder, "figures"), observer.Message, vit, transform, device);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = e.Evaluator.EvaluateAsync(context, cancellationToken).GetAwaiter().GetResult();
            observer.Evaluated(e.Name, 0, result);
            // The weights file is the evaluated state; which network in it is the backbone spec's choice.
            evaluations.Append(new EvaluationRecord(DateTime.UtcNow, Path.GetFileName(Path.GetFullPath(runFolder)), e.Name, e.Kind ?? e.Name,
                EvaluationLog.OptionsJson(e.Options), backbone.Network, 0, EvaluationLog.Describe(weightsPath, null), result, watch.Elapsed.TotalSeconds));
            foreach (var (k, v) in result)
            {
                metrics[$"{e.Name}_{k}"] = v;
                metricsFile.WriteLine(JsonSerializer.Serialize(new { type = "eval", epoch = 0, name = $"{e.Name}_{k}", value = v, weights = weightsPath }));
            }
        }
        return new RunOutcome(RunStatus.Completed, null, null, metrics, 0);
    }
}

using IBot.Pipeline.Vision.Abstractions.Evaluation;
using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Eval;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Components;

public sealed class AttentionMapsSpec : IPeriodicOptions
{
    [Range(1, 64), Description("Test images shown, one row each (8).")]
    public int Images { get; init; } = 8;

    [Range(16, 1024), Description("Side of each panel in pixels; maps are nearest-upsampled to it (128).")]
    public int PanelSize { get; init; } = 128;

    [Range(0, 100_000), Description("Epochs between figures during training; 0 = at the end only.")]
    public int Every { get; init; }
}

/// <summary>
/// Attention maps as the paper shows them: figures/attention-epoch{E}.png with each test image
/// beside its last-block [CLS] attention per head. Reports the mean entropy (nats) of the heads'
/// attention over patches: lower means more focused attention.
/// </summary>
public sealed class AttentionMapsEvaluator(AttentionMapsSpec options) : IEvaluator
{
    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        if (context is not IVisionEvaluationContext vision)
            throw new InvalidOperationException("attention_maps needs the evaluated network (a vision evaluation context)");
        var count = Math.Min(options.Images, context.Test.Count);
        var size = vision.Transform.CropSize;
        var pixels = new float[count * 3 * size * size];
        for (var i = 0; i < count; i++) vision.Transform.Apply(context.Test.Load(i), pixels.AsSpan(i * 3 * size * size, 3 * size * size));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var module = vision.Backbone.Module;
        var wasTraining = module.training;
        module.eval();
        Tensor? attention;
        try
        {
            attention = vision.Backbone.AttentionMaps(tensor(pixels, [count, 3, size, size]).to(vision.Device))?.cpu();
        }
        finally
        {
            module.train(wasTraining);
        }
        if (attention is null)
        {
            context.Log("attention maps: this backbone has no attention maps; nothing drawn");
            return Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>());
        }
        var maps = attention;                                                            // (N, H, h, w)
        var cells = maps.shape[2] * maps.shape[3];
        var mean = tensor(Data.Imaging.ImageTensors.ImageNetMean).view(1, 3, 1, 1);
        var std = tensor(Data.Imaging.ImageTensors.ImageNetStd).view(1, 3, 1, 1);
        var images = tensor(pixels, [count, 3, size, size]).mul(std).add(mean, Scalars.One); // back to [0, 1]
        var path = Path.Combine(context.FiguresFolder, $"attention-epoch{context.Epoch}.png");
        AttentionFigure.Save(path, images, maps, options.PanelSize);
        using var tiny = 1e-12.ToScalar();
        var entropy = maps.flatten(2).clamp_min(tiny).log().mul(maps.flatten(2)).sum(-1).neg().mean().item<float>();
        context.Log($"attention maps: {path} (mean head entropy {entropy:F3} nats, uniform would be {Math.Log(cells):F3})");
        return Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double> { ["entropy"] = entropy });
    }
}

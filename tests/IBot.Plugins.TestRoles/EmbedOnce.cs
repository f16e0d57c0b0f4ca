using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Models;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using static TorchSharp.torch;

namespace IBot.Plugins.TestRoles;

/// <summary>Method: builds the spec's backbone through its contract, embeds one batch of the first view of
/// the training images, and reports the tokens' mean norm as its one step and its result.</summary>
public sealed class EmbedOnce(EmbedOnceOptions options) : IRunMethod
{
    public RunOutcome Run(RunContext context)
    {
        var c = context.Components;
        var augmentation = c.Augmentation!.As<IAugmentation>();
        var size = augmentation.Layout.GlobalSize;
        using var backbone = c.Backbone!.As<IBackboneFactory>().Create(new BackboneBuild(size, false, false));
        var data = c.TrainData!;
        var count = Math.Min(options.BatchSize, data.Count);
        var pixels = new float[count * 3 * size * size];
        for (var i = 0; i < count; i++)
        {
            var destinations = Enumerable.Range(0, augmentation.Layout.TotalCrops).Select(v => new Memory<float>(new float[3 * augmentation.Layout.SizeOf(v) * augmentation.Layout.SizeOf(v)])).ToArray();
            augmentation.Apply(data.Load(i), new SampleRandom(context.Seed, 0, i), destinations);
            destinations[0].Span.CopyTo(pixels.AsSpan(i * 3 * size * size));
        }
        context.Observer.Started(1, 1, 0, 0);
        double norm;
        using (var scope = NewDisposeScope())
        using (no_grad())
            norm = backbone.Forward(tensor(pixels, [count, 3, size, size]).to(TorchDevices.Of(context.Device))).square().sum(-1).sqrt().mean().item<float>();
        context.Observer.Step(new StepReport(0, 0, 1, 0, [new("loss", norm)], 0, 0, 0, count));
        return new RunOutcome(RunState.Completed, null, null, new Dictionary<string, double> { ["mean_token_norm"] = norm }, 1);
    }
}

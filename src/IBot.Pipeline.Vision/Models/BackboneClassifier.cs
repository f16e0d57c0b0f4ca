using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// A backbone with a linear classification head, for fine-tuning: the head reads the final-norm
/// [CLS] token (the reference's <c>--use_cls</c>, its iBOT setting) or the mean of the final-norm
/// patch tokens. The head starts as the reference's: truncated normal (std 0.02) scaled by
/// <c>init_scale</c> (0.001), zero bias, so the pretrained features dominate early. Owns the backbone.
/// </summary>
public sealed class BackboneClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear head;
    private readonly bool avgpool;

    public BackboneClassifier(IBackbone backbone, int classes, bool avgpool, double initScale = 0.001) : base(nameof(BackboneClassifier))
    {
        Backbone = backbone;
        head = nn.Linear(backbone.EmbedDim, classes);
        this.avgpool = avgpool;
        // Registered by name, not by reflection over fields: the backbone is held as its contract.
        register_module("backbone", backbone.Module);
        register_module("head", head);
        Init.Linear(head);
        using var _ = no_grad();
        using var scale = initScale.ToScalar();
        head.weight!.mul_(scale);
    }

    public IBackbone Backbone { get; }

    /// <summary>Class logits (B, C) of <paramref name="images"/> (B, 3, S, S).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var tokens = Backbone.Forward(images);                                                     // (B, 1 + N, D)
        var pooled = avgpool ? tokens.narrow(1, 1, tokens.shape[1] - 1).mean([1]) : tokens.select(1, 0); // (B, D)
        return head.call(pooled).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Backbone.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}

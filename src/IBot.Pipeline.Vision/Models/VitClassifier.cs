using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// A Vision Transformer with a linear classification head, for fine-tuning: the head reads the
/// final-norm [CLS] token (the reference's <c>--use_cls</c>, its iBOT setting) or the mean of the
/// final-norm patch tokens. The head starts as the reference's: truncated normal (std 0.02)
/// scaled by <c>init_scale</c> (0.001), zero bias, so the pretrained features dominate early.
/// </summary>
public sealed class VitClassifier : nn.Module<Tensor, Tensor>
{
    private readonly VisionTransformer backbone;
    private readonly Linear head;
    private readonly bool avgpool;

    public VitClassifier(VitOptions options, int classes, bool avgpool, double initScale = 0.001) : base(nameof(VitClassifier))
    {
        backbone = new VisionTransformer(options);
        head = nn.Linear(options.EmbedDim, classes);
        this.avgpool = avgpool;
        RegisterComponents();
        Init.Linear(head);
        using var _ = no_grad();
        using var scale = initScale.ToScalar();
        head.weight!.mul_(scale);
    }

    public VisionTransformer Backbone => backbone;

    /// <summary>Class logits (B, C) of <paramref name="images"/> (B, 3, S, S).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var tokens = backbone.Forward(images, null);                                               // (B, 1 + N, D)
        var pooled = avgpool ? tokens.narrow(1, 1, tokens.shape[1] - 1).mean([1]) : tokens.select(1, 0); // (B, D)
        return head.call(pooled).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            backbone.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}

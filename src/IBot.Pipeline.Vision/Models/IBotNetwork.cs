using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// Backbone plus head, with the reference's parameter names (<c>backbone.*</c>, <c>head.*</c>),
/// the role of its <c>MultiCropWrapper</c>. Any backbone and head behind the SDK's contracts; crops
/// of one resolution are batched by the caller. Owns both.
/// </summary>
public sealed class IBotNetwork : nn.Module<Tensor, HeadOutput>
{
    public IBotNetwork(IBackbone backbone, IProjectionHead head) : base(nameof(IBotNetwork))
    {
        Backbone = backbone;
        Head = head;
        // Registered by name, not by reflection over fields: the contracts are held as interfaces.
        register_module("backbone", backbone.Module);
        register_module("head", head.Module);
    }

    /// <summary>A ViT and an iBOT head (tests and benchmarks).</summary>
    public IBotNetwork(VitOptions vit, HeadOptions head) : this(new VisionTransformer(vit), new IBotHead(head with { InDim = vit.EmbedDim }))
    {
    }

    public IBackbone Backbone { get; }

    public IProjectionHead Head { get; }

    public override HeadOutput forward(Tensor images) => Forward(images, null);

    /// <summary>[CLS] and patch outputs for a batch of same-size crops, (B, 3, H, W); masks (B, h, w).</summary>
    public HeadOutput Forward(Tensor images, Tensor? masks)
    {
        using var tokens = Backbone.Forward(images, masks); // (B, N, D)
        return Head.Forward(tokens);
    }

    /// <summary>The student's forward for its loss: head [CLS] (B, K), head patch outputs at masked
    /// positions only (M, K2) in row-major order of masks (B, h, w), and the backbone's [CLS] tokens
    /// (B, D). Asks the backbone for those rows only (<see cref="IBackbone.ForwardRows"/>) and skips
    /// the head on patch tokens the loss never reads.</summary>
    public StudentOutput ForwardMasked(Tensor images, Tensor masks, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var b = images.shape[0];
        var n = TokenCount(images);
        var masked = masks.reshape(b, -1).nonzero();                                   // (M, 2): image, patch
        using var tokenCount = n.ToScalar();
        var patchRows = masked.select(1, 0).mul(tokenCount).add_(masked.select(1, 1), Scalars.One).add_(Scalars.One, Scalars.One); // b·N + 1 + p
        var rows = cat([ClsRows(b, n, images.device), patchRows], 0);                  // (B + M)
        using var tokens = Backbone.ForwardRows(images, masks, rows, draws);           // (B + M, D)
        var output = Head.ForwardRows(tokens, b);
        return new StudentOutput(output.Cls.MoveToOuterDisposeScope(), output.Patches!.MoveToOuterDisposeScope(),
            tokens.narrow(0, 0, b).MoveToOuterDisposeScope());
    }

    /// <summary>The teacher's forward for its loss (see <see cref="IProjectionHead.ForwardTeacher"/>):
    /// whole crops in, the student's masks (B, h, w) only choose which patch logits to project.</summary>
    public TeacherHeadOutput ForwardTeacher(Tensor images, Tensor studentMasks)
    {
        using var tokens = Backbone.Forward(images); // (B, N, D)
        using var flat = studentMasks.reshape(studentMasks.shape[0], -1);
        return Head.ForwardTeacher(tokens, flat);
    }

    /// <summary>Head [CLS] output (B, K) and the backbone's [CLS] tokens (B, D): what local crops contribute.
    /// Identical to the [CLS] parts of <see cref="Forward"/>, without the head on patch tokens nobody reads.</summary>
    public (Tensor HeadCls, Tensor BackboneCls) ForwardCls(Tensor images, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var rows = ClsRows(images.shape[0], TokenCount(images), images.device);
        var cls = Backbone.ForwardRows(images, null, rows, draws);                      // (B, D)
        return (Head.Forward(cls).Cls.MoveToOuterDisposeScope(), cls.MoveToOuterDisposeScope());
    }

    /// <summary>Tokens per image for these images, [CLS] included.</summary>
    private long TokenCount(Tensor images)
    {
        var (h, w) = Backbone.OutputGrid((int)images.shape[2], (int)images.shape[3]);
        return 1L + (long)h * w;
    }

    /// <summary>Where each image's [CLS] token sits among the flattened (B·N) tokens.</summary>
    private static Tensor ClsRows(long b, long n, Device device) => Scalars.Arange(0, b * n, n, device);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Backbone.Dispose();
            Head.Dispose();
        }
        base.Dispose(disposing);
    }
}

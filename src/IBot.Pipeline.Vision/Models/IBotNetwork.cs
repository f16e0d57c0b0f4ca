using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// Backbone plus head, with the reference's parameter names (<c>backbone.*</c>, <c>head.*</c>),
/// the role of its <c>MultiCropWrapper</c>. Crops of one resolution are batched by the caller.
/// </summary>
public sealed class IBotNetwork : nn.Module<Tensor, HeadOutput>
{
    private readonly VisionTransformer backbone;
    private readonly IBotHead head;

    public IBotNetwork(VitOptions vit, HeadOptions head) : base(nameof(IBotNetwork))
    {
        backbone = new VisionTransformer(vit);
        this.head = new IBotHead(head with { InDim = vit.EmbedDim });
        RegisterComponents();
    }

    public VisionTransformer Backbone => backbone;

    public IBotHead Head => head;

    public override HeadOutput forward(Tensor images) => Forward(images, null);

    /// <summary>[CLS] and patch outputs for a batch of same-size crops, (B, 3, H, W); masks (B, h, w).</summary>
    public HeadOutput Forward(Tensor images, Tensor? masks)
    {
        using var tokens = backbone.Forward(images, masks); // (B, N, D)
        return head.call(tokens);
    }

    /// <summary>The student's forward for its loss: [CLS] (B, K) and patch outputs at masked positions
    /// only (M, K2) in row-major order of masks (B, h, w). Skips the head, and the last block's
    /// projection and MLP, on patch tokens the loss never reads.</summary>
    public HeadOutput ForwardMasked(Tensor images, Tensor masks, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var b = images.shape[0];
        var n = backbone.TokenCount(images.shape[2], images.shape[3]);
        var masked = masks.reshape(b, -1).nonzero();                                   // (M, 2): image, patch
        using var tokenCount = n.ToScalar();
        var patchRows = masked.select(1, 0).mul(tokenCount).add_(masked.select(1, 1), Scalars.One).add_(Scalars.One, Scalars.One); // b·N + 1 + p
        var rows = cat([ClsRows(b, n, images.device), patchRows], 0);                  // (B + M)
        using var tokens = backbone.ForwardRows(images, masks, rows, draws);                // (B + M, D)
        var output = head.ForwardRows(tokens, b);
        return new HeadOutput(output.Cls.MoveToOuterDisposeScope(), output.Patches!.MoveToOuterDisposeScope());
    }

    /// <summary>The teacher's forward for its loss (see <see cref="IBotHead.ForwardTeacher"/>):
    /// whole crops in, the student's masks (B, h, w) only choose which patch logits to project.</summary>
    public TeacherHeadOutput ForwardTeacher(Tensor images, Tensor studentMasks)
    {
        using var tokens = backbone.Forward(images, null); // (B, N, D)
        using var flat = studentMasks.reshape(studentMasks.shape[0], -1);
        return head.ForwardTeacher(tokens, flat);
    }

    /// <summary>[CLS] output only, (B, K): what local crops contribute. Identical to the [CLS]
    /// part of <see cref="Forward"/>, without the last block's projection and MLP or the head on
    /// patch tokens nobody reads.</summary>
    public Tensor ForwardCls(Tensor images, StochasticDepthDraws? draws = null)
    {
        using var scope = NewDisposeScope();
        var b = images.shape[0];
        var rows = ClsRows(b, backbone.TokenCount(images.shape[2], images.shape[3]), images.device);
        var cls = backbone.ForwardRows(images, null, rows, draws);                           // (B, D)
        return head.call(cls).Cls.MoveToOuterDisposeScope();
    }

    /// <summary>Where each image's [CLS] token sits among the flattened (B·N) tokens.</summary>
    private static Tensor ClsRows(long b, long n, Device device) => Scalars.Arange(0, b * n, n, device);

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

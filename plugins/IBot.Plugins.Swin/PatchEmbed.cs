using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// Image to patch tokens: one strided convolution (<c>proj</c>), then, with patch_norm, a
/// LayerNorm (<c>norm</c>). Returns the tokens (B, h·w, C) row-major over the h × w patch grid,
/// which is where the reference writes <c>masked_embed</c> (after the norm).
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly LayerNorm? norm;

    public PatchEmbed(int patchSize, int inChans, int embedDim, bool patchNorm, double eps) : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(inChans, embedDim, patchSize, stride: patchSize);
        if (patchNorm) norm = nn.LayerNorm(embedDim, eps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images) => Forward(images).Tokens;

    /// <summary>Tokens (B, h·w, C) and the patch grid (h, w) of <paramref name="images"/> (B, in_chans, H, W).</summary>
    public (Tensor Tokens, long H, long W) Forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = Autocast.Full(Autocast.Conv2d(proj, images));         // (B, C, h, w), float32 for the norm
        var (h, w) = (x.shape[2], x.shape[3]);
        x = x.flatten(2).transpose(1, 2);                             // (B, h·w, C)
        if (norm is not null) x = norm.call(x);
        return (x.MoveToOuterDisposeScope(), h, w);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            proj.Dispose();
            norm?.Dispose();
        }
        base.Dispose(disposing);
    }
}

using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>Image to patch tokens with one strided convolution; output stays (B, D, h, w) so the
/// mask embedding can be written on the grid before flattening, as the reference does.</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    public PatchEmbed(int patchSize, int inChans, int embedDim) : base(nameof(PatchEmbed))
    {
        PatchSize = patchSize;
        proj = nn.Conv2d(inChans, embedDim, patchSize, stride: patchSize);
        RegisterComponents();
    }

    public int PatchSize { get; }

    public override Tensor forward(Tensor images) => Autocast.Conv2d(proj, images); // (B, D, H/p, W/p)

    protected override void Dispose(bool disposing)
    {
        if (disposing) proj.Dispose();
        base.Dispose(disposing);
    }
}

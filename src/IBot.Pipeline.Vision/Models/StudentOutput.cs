using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>What the student's losses read of its global crops: head [CLS] logits (B, K), head patch
/// logits at the masked positions (M, K₂), and the backbone's [CLS] tokens (B, D).</summary>
public sealed record StudentOutput(Tensor Cls, Tensor MaskedPatches, Tensor BackboneCls) : IDisposable
{
    public void Dispose()
    {
        Cls.Dispose();
        MaskedPatches.Dispose();
        BackboneCls.Dispose();
    }
}

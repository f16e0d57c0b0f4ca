using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>Head outputs: [CLS] logits (B, K) and, for token input, patch logits (B, P, K₂).</summary>
public sealed record HeadOutput(Tensor Cls, Tensor? Patches) : IDisposable
{
    public void Dispose()
    {
        Cls.Dispose();
        Patches?.Dispose();
    }
}

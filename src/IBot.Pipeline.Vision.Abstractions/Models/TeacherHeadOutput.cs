using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>What the loss reads of the teacher: [CLS] logits (B, K), patch logits at the
/// student's masked positions (M, K₂) in row-major mask order, and the mean patch logit over
/// every patch of every image (1, K₂), which feeds the patch centre.</summary>
public sealed record TeacherHeadOutput(Tensor Cls, Tensor MaskedPatches, Tensor PatchMean) : IDisposable
{
    public void Dispose()
    {
        Cls.Dispose();
        MaskedPatches.Dispose();
        PatchMean.Dispose();
    }
}

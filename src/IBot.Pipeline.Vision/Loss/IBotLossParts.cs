using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Loss;

/// <summary>The loss and its two parts (scalars): λ1·[CLS] distillation and λ2·masked-patch distillation.</summary>
public sealed record IBotLossParts(Tensor Total, Tensor Cls, Tensor Patch) : IDisposable
{
    public void Dispose()
    {
        Total.Dispose();
        Cls.Dispose();
        Patch.Dispose();
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>Transformer feed-forward: Linear, GELU (exact), Linear.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public Mlp(int inFeatures, int hiddenFeatures) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures);
        fc2 = nn.Linear(hiddenFeatures, inFeatures);
        RegisterComponents();
        Init.Linear(fc1);
        Init.Linear(fc2);
    }

    public override Tensor forward(Tensor x)
    {
        using var linear = Dense.Apply(fc1, x);
        using var hidden = nn.functional.gelu(linear);
        return Dense.Apply(fc2, hidden);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fc1.Dispose();
            fc2.Dispose();
        }
        base.Dispose(disposing);
    }
}

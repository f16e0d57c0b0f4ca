using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// Several linear classifiers over the same features, stacked so they train side by side in
/// one pass (the reference's learning-rate sweep keeps one <c>LinearClassifier</c> per setting).
/// Each is initialised as the reference's: weight ~ N(0, 0.01²), bias 0. Heads share no
/// parameters, so summing their losses gives each head exactly its own gradient.
/// </summary>
public sealed class LinearClassifierBank : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // (H, C, D)
    private readonly Parameter bias;   // (H, C)

    public LinearClassifierBank(int heads, int dim, int classes, Generator? generator = null) : base(nameof(LinearClassifierBank))
    {
        if (heads < 1 || dim < 1 || classes < 1) throw new ArgumentException($"a bank needs heads, features and classes (got {heads}, {dim}, {classes})");
        Heads = heads;
        Classes = classes;
        weight = new Parameter(empty(heads, classes, dim));
        bias = new Parameter(zeros(heads, classes));
        RegisterComponents();
        using var _ = no_grad();
        weight.normal_(0.0, 0.01, generator);
    }

    public int Heads { get; }

    public int Classes { get; }

    public Parameter Weight => weight;

    public Parameter Bias => bias;

    /// <summary>Logits of every head for <paramref name="features"/> (B, D): (H, B, C).</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var logits = features.unsqueeze(0).matmul(weight.transpose(1, 2)); // (H, B, C)
        return logits.add(bias.unsqueeze(1), Scalars.One).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
        }
        base.Dispose(disposing);
    }
}

using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>
/// A projection head (the <c>heads</c> role builds them through <see cref="IHeadFactory"/>): backbone
/// tokens to logits over prototypes, one output for [CLS] and one for patch tokens.
/// </summary>
public interface IProjectionHead : IDisposable
{
    /// <summary>The head as a TorchSharp module, parameters under the reference names.</summary>
    nn.Module Module { get; }

    /// <summary>[CLS] prototypes (K).</summary>
    int OutDim { get; }

    /// <summary>Patch prototypes (K₂).</summary>
    int PatchOutDim { get; }

    /// <summary>Tokens (B, 1 + P, D): [CLS] (B, K) and patch logits (B, P, K₂); a 2-D input (B, D) gives [CLS] only.</summary>
    HeadOutput Forward(Tensor tokens);

    /// <summary>Rows already chosen, (B + M, D): the B [CLS] tokens first, then M patch tokens. Returns
    /// [CLS] (B, K) and patch logits (M, K₂), each equal to the matching rows of <see cref="Forward"/>.</summary>
    HeadOutput ForwardRows(Tensor rows, long clsCount);

    /// <summary>What the iBOT teacher's loss reads: [CLS] (B, K), patch logits where <paramref name="patchMask"/>
    /// (B, P) is true (M, K₂, row-major), and the mean patch logit over every patch (1, K₂).</summary>
    TeacherHeadOutput ForwardTeacher(Tensor tokens, Tensor patchMask)
    {
        using var scope = NewDisposeScope();
        using var output = Forward(tokens);
        var patches = output.Patches!;
        var masked = patches.masked_select(patchMask.unsqueeze(-1)).view(-1, patches.shape[2]);
        var mean = patches.mean([0, 1]).unsqueeze(0);
        return new TeacherHeadOutput(output.Cls.clone().MoveToOuterDisposeScope(), masked.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }

    /// <summary>Whether a parameter (by its name in <see cref="Module"/>) is in the last layer, which
    /// the method keeps frozen during the first <c>freeze_last_layer</c> epochs.</summary>
    bool IsLastLayer(string parameterName) => parameterName.StartsWith("last_layer", StringComparison.Ordinal);
}

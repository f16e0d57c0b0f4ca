using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>Top-1 and top-k hit counts, kept on the device so callers read them once per evaluation.</summary>
public static class TopK
{
    /// <summary>Hits among the last-but-one dimension of <paramref name="logits"/> (…, B, C) against
    /// <paramref name="labels"/> (B): counts (…) at top-1 and at top-<paramref name="k"/> (k capped at C).</summary>
    public static (Tensor Top1, Tensor TopK) Hits(Tensor logits, Tensor labels, int k = 5)
    {
        using var scope = NewDisposeScope();
        var (_, indices) = logits.topk(Math.Min(k, (int)logits.shape[^1]), dim: -1); // (…, B, k)
        var hits = indices.eq(labels.unsqueeze(-1));                                   // (…, B, k)
        var top1 = hits.select(-1, 0).sum(-1);
        var topk = hits.any(-1).sum(-1);
        return (top1.MoveToOuterDisposeScope(), topk.MoveToOuterDisposeScope());
    }
}

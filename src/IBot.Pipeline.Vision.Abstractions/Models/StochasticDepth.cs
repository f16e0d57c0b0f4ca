using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>
/// Per-sample stochastic depth on residual branches, as the reference's <c>drop_path</c> draws it:
/// one uniform per sample, the branch kept where floor(U[0,1) + keep) is 1 and then scaled by 1/keep.
/// Backbones that take their draws from <see cref="StochasticDepthDraws"/> (so a data-parallel step
/// can draw a whole batch's first) pass its <see cref="StochasticDepthDraws.Take"/>.
/// </summary>
public static class StochasticDepth
{
    /// <summary>The per-sample scale (B): 0 for a dropped branch, 1/keep for a kept one. The uniforms come
    /// from <paramref name="draw"/> when given, else from torch's generator.</summary>
    public static Tensor Scale(double rate, long batch, Tensor like, Func<long, Tensor>? draw)
    {
        using var keep = (1.0 - rate).ToScalar();
        var uniform = draw?.Invoke(batch).to(like.dtype) ?? rand(batch, dtype: like.dtype, device: like.device);
        return uniform.add(keep, Scalars.One).floor_().div_(keep);
    }

    /// <summary>
    /// x + branch, or with stochastic depth x + branch · scale (scale shaped to broadcast over the
    /// sample's rows). The reference computes branch / keep · mask, then adds; one fused addcmul saves
    /// two passes over the activations (and their backward), at most one rounding apart. A branch
    /// computed in a reduced type (<see cref="Autocast"/>) is promoted to x's type first, as
    /// PyTorch promotes a float32 + bfloat16 sum: the residual stream stays in full precision.
    /// </summary>
    public static Tensor AddBranch(Tensor x, Tensor branch, Tensor? scale)
    {
        if (branch.dtype == x.dtype) return scale is null ? x.add(branch, Scalars.One) : x.addcmul(branch, scale, Scalars.One);
        using var promoted = branch.to(x.dtype);
        return scale is null ? x.add(promoted, Scalars.One) : x.addcmul(promoted, scale, Scalars.One);
    }
}

using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>
/// The uniform draws of stochastic depth for one forward pass, taken in advance: one (B) tensor
/// per residual branch that drops, in the order the blocks consume them (block by block,
/// attention's branch before the MLP's). A pass given these draws computes exactly what it
/// computes drawing online from the same generator state. Drawing a whole batch's first and
/// handing each shard its rows (<see cref="Select"/>) keeps a data-parallel step on the
/// reference's random stream.
/// </summary>
public sealed class StochasticDepthDraws : IDisposable
{
    private readonly Tensor[] uniforms;
    private int next;

    public StochasticDepthDraws(Tensor[] uniforms) => this.uniforms = uniforms;

    public int Count => uniforms.Length;

    /// <summary>The next branch's draws; <paramref name="batch"/> must match what was drawn.</summary>
    public Tensor Take(long batch)
    {
        if (next >= uniforms.Length)
            throw new InvalidOperationException($"the forward pass asked for more than the {uniforms.Length} stochastic-depth draws taken for it");
        var u = uniforms[next++];
        if (u.shape[0] != batch)
            throw new InvalidOperationException($"stochastic-depth draws were taken for {u.shape[0]} samples, the pass has {batch}");
        return u;
    }

    /// <summary>These draws for a subset of the samples, <paramref name="index"/> (int64).</summary>
    public StochasticDepthDraws Select(Tensor index) => new(uniforms.Select(u => u.index_select(0, index)).ToArray());

    public void Dispose()
    {
        foreach (var u in uniforms) u.Dispose();
    }
}

using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Models;

/// <summary>The block's stochastic depth against the reference formula, written out here:
/// x + drop_path(attn(norm1(x))), then the same for the MLP, where drop_path(y) = y / keep ·
/// floor(U[0,1) + keep) with one draw per sample, attention's branch drawn first.</summary>
public sealed class StochasticDepthTests
{
    [Fact]
    public void Block_output_matches_the_reference_drop_path_formula()
    {
        manual_seed(1);
        const double rate = 0.4;
        using var block = new Block(32, 4, 4.0, true, rate, 1e-6);
        block.train();
        var parts = block.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        using var x = randn(16, 5, 32);
        const double keep = 1 - rate;

        manual_seed(7);
        using var actual = block.call(x);

        manual_seed(7);
        using var _ = NewDisposeScope();
        var attnBranch = parts["attn"].call(parts["norm1"].call(x));
        var attnKept = (rand(16, 1, 1) + keep).floor_();
        var y = x + attnBranch.div(keep) * attnKept;
        var mlpBranch = parts["mlp"].call(parts["norm2"].call(y));
        var mlpKept = (rand(16, 1, 1) + keep).floor_();
        var expected = y + mlpBranch.div(keep) * mlpKept;

        var error = actual.sub(expected).norm().item<float>() / expected.norm().item<float>();
        Assert.True(error < 1e-6, $"relative error {error:E2}");
        // Branches were both dropped and kept, or the check shows nothing.
        var kept = cat([attnKept, mlpKept]).sum().item<float>();
        Assert.InRange(kept, 1f, 31f);
    }
}

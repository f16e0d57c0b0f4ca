using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>The Swin Transformer behind the SDK's backbone contract.</summary>
public sealed partial class SwinTransformer
{
    public nn.Module Module => this;

    public int ImageSize => Options.ImgSize;

    /// <summary>Layer-wise decay counts every block of every stage: ids 1 … Σ depths.</summary>
    public int LayerCount => Options.Depths.Sum();

    Tensor IBackbone.Forward(Tensor images, Tensor? masks, StochasticDepthDraws? draws) =>
        Forward(images, masks, draws is null ? null : draws.Take);

    public StochasticDepthDraws? DrawStochasticDepth(long batch, Device device)
    {
        var count = DrawsPerForward;
        if (count == 0) return null;
        return new StochasticDepthDraws(Enumerable.Range(0, count).Select(_ => rand(batch, device: device)).ToArray());
    }

    /// <summary><see cref="LastAttentionMap"/> with every window weighted equally, so each map is one
    /// distribution over the whole output grid, as the contract asks (per window it sums to 1).</summary>
    Tensor? IBackbone.AttentionMaps(Tensor images)
    {
        using var scope = NewDisposeScope();
        var maps = LastAttentionMap(images);                                  // (B, heads, h, w)
        return maps.div(maps.sum([2, 3], keepdim: true)).MoveToOuterDisposeScope();
    }

    [GeneratedRegex(@"^layers\.(\d+)\.(blocks\.(\d+)|downsample)\.")]
    private static partial Regex StageName();

    /// <summary>The embedding (patch embedding, position and mask embeddings) is layer 0, block j of stage i
    /// is 1 + (blocks before stage i) + j, a stage's patch merging shares its last block's id, and the
    /// final norm is <see cref="LayerCount"/> + 1.</summary>
    public int LayerId(string parameterName)
    {
        if (parameterName.StartsWith("patch_embed", StringComparison.Ordinal) || parameterName is "absolute_pos_embed" or "masked_embed") return 0;
        var m = StageName().Match(parameterName);
        if (!m.Success) return LayerCount + 1;
        var stage = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var before = Options.Depths.Take(stage).Sum();
        return m.Groups[3].Success ? 1 + before + int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : before + Options.Depths[stage];
    }

    /// <summary>The reference's <c>no_weight_decay</c> (<c>absolute_pos_embed</c>) and its keyword
    /// (<c>relative_position_bias_table</c>).</summary>
    public bool NoWeightDecay(string parameterName) =>
        parameterName == "absolute_pos_embed" || parameterName.Contains("relative_position_bias_table", StringComparison.Ordinal);

    public IBackbone Copy(double dropPathRate)
    {
        var copy = new SwinTransformer(Options with { DropPathRate = dropPathRate, MaskedImageModeling = false });
        using var state = new DisposingState(SwinStateDict.Export(this).Where(kv => kv.Key != "masked_embed").ToDictionary());
        SwinStateDict.Load(copy, state.Tensors);
        copy.to(parameters().First().device);
        return copy;
    }

    private sealed class DisposingState(Dictionary<string, Tensor> tensors) : IDisposable
    {
        public Dictionary<string, Tensor> Tensors { get; } = tensors;

        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }
}

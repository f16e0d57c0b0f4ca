using System.Text.RegularExpressions;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// Layer-wise learning-rate decay for fine-tuning a ViT, as the reference (BEiT's
/// <c>LayerDecayValueAssigner</c>): layer id 0 for <c>patch_embed</c>, <c>cls_token</c> and
/// <c>pos_embed</c>, i + 1 for block i, depth + 1 for everything after the blocks (final norm,
/// head); a layer's learning rate is scaled by decay^(depth + 1 − id). Weight decay applies to
/// every parameter except biases, 1-D parameters (norms) and the skip list (<c>pos_embed</c>,
/// <c>cls_token</c>: the reference model's <c>no_weight_decay</c>).
/// </summary>
public static partial class LayerDecay
{
    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex BlockName();

    /// <summary>Layer id of a ViT parameter name (without the backbone's prefix).</summary>
    public static int VitLayerId(string name, int depth)
    {
        if (name is "cls_token" or "pos_embed" or "masked_embed" || name.StartsWith("patch_embed", StringComparison.Ordinal)) return 0;
        var block = BlockName().Match(name);
        return block.Success ? int.Parse(block.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 : depth + 1;
    }

    public static double Scale(int layerId, int depth, double decay) => Math.Pow(decay, depth + 1 - layerId);

    /// <summary>Groups of <paramref name="model"/>'s trainable parameters by (layer id, decayed or not),
    /// in order of first appearance. Names under <paramref name="backbonePrefix"/> are
    /// <paramref name="backbone"/>'s (its layer ids and weight-decay exemptions); the rest (the head)
    /// are the last layer.</summary>
    public static IReadOnlyList<ScaledGroup> Groups(nn.Module model, IBackbone backbone, double decay, string backbonePrefix = "backbone.")
    {
        var depth = backbone.LayerCount;
        var groups = new Dictionary<(int, bool), List<(string, Parameter)>>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (!p.requires_grad) continue;
            var local = name.StartsWith(backbonePrefix, StringComparison.Ordinal) ? name[backbonePrefix.Length..] : null;
            var id = local is null ? depth + 1 : backbone.LayerId(local);
            var regularized = !(name.EndsWith(".bias", StringComparison.Ordinal) || p.dim() == 1 || (local is not null && backbone.NoWeightDecay(local)));
            if (!groups.TryGetValue((id, regularized), out var list)) groups[(id, regularized)] = list = [];
            list.Add((name, p));
        }
        return groups.Select(g => new ScaledGroup(
            new ParameterGroup($"layer_{g.Key.Item1}_{(g.Key.Item2 ? "decay" : "no_decay")}", g.Value, g.Key.Item2),
            g.Key.Item1, Scale(g.Key.Item1, depth, decay))).ToList();
    }

    /// <summary>Sets this iteration's values: learning rate times each group's scale, weight decay on decayed groups.</summary>
    public static void Apply(IReadOnlyList<ScaledGroup> groups, double learningRate, double weightDecay)
    {
        foreach (var g in groups)
        {
            g.Group.LearningRate = learningRate * g.LearningRateScale;
            g.Group.WeightDecay = g.Group.Regularized ? weightDecay : 0.0;
        }
    }
}

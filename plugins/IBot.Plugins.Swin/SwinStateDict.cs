using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// Moves a <see cref="SwinTransformer"/>'s weights to and from state dicts under the reference's
/// names (<c>patch_embed.proj.weight</c>, <c>layers.0.blocks.1.attn.relative_position_bias_table</c>,
/// <c>layers.0.downsample.reduction.weight</c>, <c>norm.weight</c>, <c>masked_embed</c>, …). The
/// module's own <c>state_dict()</c> already uses these names and holds parameters only: the
/// reference's buffers are derived from the configuration and never loaded.
/// </summary>
public static class SwinStateDict
{
    /// <summary>CPU copies of every parameter under its reference name.</summary>
    public static Dictionary<string, Tensor> Export(SwinTransformer model)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
            result[name] = tensor.detach().cpu().clone();
        return result;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is a reference entry with no counterpart to load: a derived
    /// buffer (<c>relative_position_index</c>, and <c>attn_mask</c> in Swin checkpoints that
    /// register it), or the classifier <c>head.*</c> that the reference builds (1000 classes by
    /// default, so iBOT's own checkpoints hold it) but never calls in its forward pass.
    /// </summary>
    public static bool IsIgnored(string name) =>
        name.EndsWith(".relative_position_index", StringComparison.Ordinal) ||
        name.EndsWith(".attn_mask", StringComparison.Ordinal) ||
        name is "head.weight" or "head.bias";

    /// <summary>
    /// Copies <paramref name="source"/> into the model's parameters in place (any device, any
    /// float dtype). Every parameter must be present with its shape; entries that
    /// <see cref="IsIgnored"/> are skipped; any other entry is an error, listed with the missing ones.
    /// </summary>
    public static void Load(SwinTransformer model, IReadOnlyDictionary<string, Tensor> source)
    {
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, target) in model.state_dict())
            {
                if (!source.TryGetValue(name, out var value)) { missing.Add(name); continue; }
                if (!value.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"'{name}': shape [{string.Join(", ", value.shape)}] does not match the model's [{string.Join(", ", target.shape)}]");
                target.copy_(value);
                used.Add(name);
            }
        }
        var unexpected = source.Keys.Where(k => !used.Contains(k) && !IsIgnored(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"state dict does not match the Swin model; missing: [{string.Join(", ", missing)}]; unexpected: [{string.Join(", ", unexpected)}]");
    }
}

using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Moves weights between modules and reference-named state dicts. The names are the
/// reference implementation's (<c>backbone.blocks.0.attn.qkv.weight</c>,
/// <c>head.last_layer.weight_g</c>, …), so checkpoints move both ways. A shared head holds one
/// last layer but, like the reference, is written with <c>last_layer2.*</c> aliases too.
/// </summary>
public static class StateDicts
{
    /// <summary>Reference-named CPU copies of every parameter and persistent buffer.</summary>
    public static Dictionary<string, Tensor> Export(nn.Module module)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in module.state_dict())
            result[name] = tensor.detach().cpu().clone();
        foreach (var (prefix, head) in SharedHeads(module))
            foreach (var suffix in new[] { "weight_g", "weight_v" })
                result[$"{prefix}last_layer2.{suffix}"] = result[$"{prefix}last_layer.{suffix}"].clone();
        return result;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the module's parameters and buffers in place.
    /// Strips DDP's <c>module.</c> prefix. With <paramref name="strict"/>, every module
    /// tensor must be present and every source tensor used, else the error lists them.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        var normalised = source.ToDictionary(kv => kv.Key.StartsWith("module.", StringComparison.Ordinal) ? kv.Key[7..] : kv.Key, kv => kv.Value);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        using (no_grad())
        {
            foreach (var (name, target) in module.state_dict())
            {
                if (!normalised.TryGetValue(name, out var value)) { missing.Add(name); continue; }
                if (!value.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"'{name}': shape [{string.Join(", ", value.shape)}] does not match the model's [{string.Join(", ", target.shape)}]");
                target.copy_(value);
                used.Add(name);
            }
        }
        // A shared head registers its one last layer under two names. PyTorch's load_state_dict visits a
        // module once per name in registration order, last_layer then last_layer2, so the alias's values
        // are the ones that stay: the same as last_layer's in any state dict of a shared head, but the
        // student's patch layer when a separate student head is loaded into a shared teacher head.
        var targets = module.state_dict();
        foreach (var (prefix, _) in SharedHeads(module))
            foreach (var suffix in new[] { "weight_g", "weight_v" })
            {
                var alias = $"{prefix}last_layer2.{suffix}";
                if (!normalised.TryGetValue(alias, out var value)) continue;
                var target = targets[$"{prefix}last_layer.{suffix}"];
                if (!value.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"'{alias}': shape [{string.Join(", ", value.shape)}] does not match the model's [{string.Join(", ", target.shape)}]");
                using (no_grad()) target.copy_(value);
                used.Add(alias);
            }
        var unexpected = normalised.Keys.Where(k => !used.Contains(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new InvalidDataException(
                $"state dict does not match the model; missing: [{string.Join(", ", missing)}]; unexpected: [{string.Join(", ", unexpected)}]");
    }

    private static IEnumerable<(string Prefix, IBotHead Head)> SharedHeads(nn.Module module)
    {
        if (module is IBotHead self && self.Options.SharedHead) yield return ("", self);
        foreach (var (name, child) in module.named_modules())
            if (child is IBotHead head && head.Options.SharedHead && name.Length > 0)
                yield return (name + ".", head);
    }
}

using System.Collections;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Imports weights produced by the reference implementation, from every file its code writes:
/// main_ibot.py's training checkpoints (<c>student</c> with DDP's <c>module.</c> prefixes,
/// <c>teacher</c>, <c>optimizer</c> with numpy learning rates, <c>epoch</c>, <c>args</c>,
/// <c>ibot_loss</c>, <c>fp16_scaler</c>), the teacher-only and backbone-only files of its
/// extract_backbone_weights.py scripts (<c>{state_dict: …}</c> or a plain state dict), the
/// backbone-plus-linear files of analysis/combine_ckpt.py, and safetensors files. Only the
/// requested state dict is kept; the rest of the file is read and ignored. A damaged file is an
/// <see cref="InvalidDataException"/> that names it.
/// </summary>
public static class ReferenceCheckpoint
{
    /// <summary>
    /// Reads the state dict of <paramref name="network"/> (<c>teacher</c> or <c>student</c>) from a
    /// <c>.pth</c> or <c>.safetensors</c> file, with <c>module.</c> prefixes removed. A file holding a
    /// single state dict is returned as it is.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, string network = "teacher")
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} not found", path);
        Dictionary<string, Tensor> state;
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var file = SafeTensors.Load(path);
            state = file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
            var prefix = network + ".";
            if (state.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                state = file.WithPrefix(prefix);
            state = WithoutModulePrefix(state, path);
        }
        else
        {
            using var stream = File.OpenRead(path);
            state = ReadPth(stream, network, path);
        }
        return state;
    }

    /// <summary>
    /// The state dict of <paramref name="network"/> from a <c>torch.save</c> file in
    /// <paramref name="stream"/>, with <c>module.</c> prefixes removed; errors name
    /// <paramref name="origin"/>.
    /// </summary>
    public static Dictionary<string, Tensor> ReadPth(Stream stream, string network, string origin)
    {
        object root;
        try
        {
            using var archive = new TorchArchive(stream);
            root = TorchUnpickler.Load(archive);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{origin}: not a readable PyTorch checkpoint: {e.Message}", e);
        }
        if (root is not Hashtable dict)
            throw new InvalidDataException($"{origin}: the checkpoint holds a {root.GetType().Name}, not a dict of state dicts");
        return WithoutModulePrefix(ToTensorDictionary(SelectNetwork(dict, network, origin), origin), origin);
    }

    private static Dictionary<string, Tensor> WithoutModulePrefix(Dictionary<string, Tensor> state, string origin)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state)
            if (!result.TryAdd(StripPrefix(name, "module."), tensor))
                throw new InvalidDataException($"{origin}: '{name}' appears both with and without DDP's module. prefix");
        return result;
    }

    /// <summary>Backbone weights of a network state dict: <c>backbone.</c> keys with the prefix
    /// removed; a state dict without that prefix is taken to be a backbone already, less the
    /// projection head (<c>head.*</c>, kept by extract_backbone_weights.py --with_head) and the
    /// linear classifier that analysis/combine_ckpt.py appends (<c>linear.*</c>).</summary>
    public static Dictionary<string, Tensor> Backbone(IReadOnlyDictionary<string, Tensor> networkState)
    {
        if (!networkState.Keys.Any(k => k.StartsWith("backbone.", StringComparison.Ordinal)))
            return networkState.Where(kv => !kv.Key.StartsWith("head.", StringComparison.Ordinal)
                && !kv.Key.StartsWith("linear.", StringComparison.Ordinal)).ToDictionary();
        return networkState.Where(kv => kv.Key.StartsWith("backbone.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["backbone.".Length..], kv => kv.Value);
    }

    private static IDictionary SelectNetwork(Hashtable root, string network, string path)
    {
        foreach (var key in new[] { network, "state_dict", "model" })
            if (root[key] is IDictionary nested) return nested;
        if (root.Values.Cast<object?>().All(v => v is Tensor)) return root;
        var keys = string.Join(", ", root.Keys.Cast<object>().Select(k => k.ToString()));
        throw new InvalidDataException($"{path}: no '{network}' state dict in the checkpoint (top-level keys: {keys})");
    }

    private static Dictionary<string, Tensor> ToTensorDictionary(IDictionary source, string path)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in source)
        {
            if (e.Value is Tensor t) result[e.Key.ToString()!] = t;
            else throw new InvalidDataException($"{path}: entry '{e.Key}' is not a tensor");
        }
        return result;
    }

    private static string StripPrefix(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
}

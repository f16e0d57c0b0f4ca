using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Imports weights produced by the reference implementation: its training checkpoints
/// (<c>torch.save</c> of a dict with <c>student</c> / <c>teacher</c> state dicts, keys prefixed by
/// DDP's <c>module.</c>), its released <c>checkpoint_teacher.pth</c> (<c>state_dict</c>), plain
/// state dicts, and safetensors files.
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
        }
        else
        {
            Hashtable root;
            try
            {
                root = PyTorchUnpickler.UnpickleStateDict(path);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{path}: not a readable PyTorch checkpoint: {e.Message}", e);
            }
            state = ToTensorDictionary(SelectNetwork(root, network, path), path);
        }
        return state.ToDictionary(kv => StripPrefix(kv.Key, "module."), kv => kv.Value);
    }

    /// <summary>Backbone weights of a network state dict: <c>backbone.</c> keys with the prefix
    /// removed; a state dict without that prefix is taken to be a backbone already.</summary>
    public static Dictionary<string, Tensor> Backbone(IReadOnlyDictionary<string, Tensor> networkState)
    {
        if (!networkState.Keys.Any(k => k.StartsWith("backbone.", StringComparison.Ordinal)))
            return networkState.Where(kv => !kv.Key.StartsWith("head.", StringComparison.Ordinal)).ToDictionary();
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

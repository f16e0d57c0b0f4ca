using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// Tensors derived from a module's configuration (the reference keeps them as buffers: the
/// relative position index, the shifted windows' attention masks), built on first use per key and
/// device and kept until the module is disposed. They are neither parameters nor saved, so a
/// checkpoint never carries them, and a module moved to another device finds its own copy there.
/// (TorchSharp 0.107 neither lists nor moves non-persistent buffers, so they cannot be buffers.)
/// Safe from several threads at once (data-parallel shards share the module); the tensors belong
/// to no dispose scope.
/// </summary>
internal sealed class DerivedTensorCache<TKey> : IDisposable where TKey : notnull
{
    private readonly Func<TKey, Tensor> build;
    private readonly Dictionary<(TKey Key, DeviceType Type, int Index), Tensor> tensors = new();

    /// <param name="build">Makes the CPU tensor for a key.</param>
    public DerivedTensorCache(Func<TKey, Tensor> build) => this.build = build;

    /// <summary>The tensor for <paramref name="key"/> on <paramref name="device"/>.</summary>
    public Tensor Get(TKey key, Device device)
    {
        var slot = (key, device.type, device.index);
        lock (tensors)
        {
            if (tensors.TryGetValue(slot, out var cached)) return cached;
            var host = build(key).DetachFromDisposeScope();
            var made = host.to(device).DetachFromDisposeScope();
            if (!ReferenceEquals(made, host)) host.Dispose();
            tensors[slot] = made;
            return made;
        }
    }

    public void Dispose()
    {
        lock (tensors)
        {
            foreach (var t in tensors.Values) t.Dispose();
            tensors.Clear();
        }
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// A shifted block's attention masks, (nW, ws², ws²) float32, one per input grid (H, W) and
/// device, built on first use and kept until the block is disposed. The reference caches by H
/// alone (and, through an <c>is</c> comparison that never holds, rebuilds every call); keying by
/// (H, W, device) gives its values without the rebuild. Safe to use from several threads at once
/// (data-parallel shards share the module); the masks belong to no dispose scope.
/// </summary>
internal sealed class AttentionMaskCache : IDisposable
{
    private readonly int windowSize;
    private readonly int shiftSize;
    private readonly Dictionary<(long H, long W, DeviceType Type, int Index), Tensor> masks = new();

    public AttentionMaskCache(int windowSize, int shiftSize)
    {
        this.windowSize = windowSize;
        this.shiftSize = shiftSize;
    }

    /// <summary>The mask for an H × W grid (padded up to whole windows) on <paramref name="device"/>.</summary>
    public Tensor Get(long h, long w, Device device)
    {
        var key = (h, w, device.type, device.index);
        lock (masks)
        {
            if (masks.TryGetValue(key, out var cached)) return cached;
            var hp = (h + windowSize - 1) / windowSize * windowSize;
            var wp = (w + windowSize - 1) / windowSize * windowSize;
            var n = (long)windowSize * windowSize;
            var values = Windows.ShiftMask(hp, wp, windowSize, shiftSize);
            var host = tensor(values, [hp / windowSize * (wp / windowSize), n, n]).DetachFromDisposeScope();
            var mask = host.to(device).DetachFromDisposeScope();
            if (!ReferenceEquals(mask, host)) host.Dispose();
            masks[key] = mask;
            return mask;
        }
    }

    public void Dispose()
    {
        lock (masks)
        {
            foreach (var mask in masks.Values) mask.Dispose();
            masks.Clear();
        }
    }
}

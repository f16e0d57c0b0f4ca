namespace IBot.Pipeline.Scheduling;

/// <summary>
/// The slots runs are placed on: one per CUDA device, or <c>--cpu-slots</c> CPU slots. A run holds
/// its slot from launch until its process has exited, so a device never runs two runs at once.
/// </summary>
public sealed class DeviceLeases
{
    private readonly DeviceLease[] slots;
    private readonly string?[] holders;
    private readonly Lock gate = new();

    public DeviceLeases(IReadOnlyList<string> devices)
    {
        if (devices.Count == 0) throw new ArgumentException("at least one device slot is needed", nameof(devices));
        slots = devices.Select((d, i) => new DeviceLease(d, i)).ToArray();
        holders = new string?[slots.Length];
    }

    public IReadOnlyList<DeviceLease> Slots => slots;

    public int Free
    {
        get { lock (gate) return holders.Count(h => h is null); }
    }

    /// <summary>The first free slot, now held by <paramref name="runId"/>.</summary>
    public DeviceLease? TryAcquire(string runId)
    {
        lock (gate)
        {
            var i = Array.IndexOf(holders, null);
            if (i < 0) return null;
            holders[i] = runId;
            return slots[i];
        }
    }

    /// <summary>Takes a given slot back for a run that survived a service restart.</summary>
    public DeviceLease? TryTake(int slot, string runId)
    {
        lock (gate)
        {
            if (slot < 0 || slot >= slots.Length || holders[slot] is not null) return null;
            holders[slot] = runId;
            return slots[slot];
        }
    }

    public void Release(DeviceLease lease)
    {
        lock (gate) holders[lease.Slot] = null;
    }
}

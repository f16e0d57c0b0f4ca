namespace IBot.Pipeline.Abstractions.Runtime;

/// <summary>The kind of compute device a run is bound to.</summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
}

/// <summary>
/// A device as users write it: <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.
/// Parsed once at the edges (command line, spec) so the engine never handles strings.
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    public static DeviceSpec Cpu => new(DeviceKind.Cpu, 0);

    public static DeviceSpec Cuda(int index = 0) => new(DeviceKind.Cuda, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">With a message that lists the accepted forms.</exception>
    public static DeviceSpec Parse(string text)
    {
        if (TryParse(text, out var device)) return device;
        throw new FormatException($"'{text}' is not a device; expected cpu, cuda or cuda:N");
    }

    public static bool TryParse(string? text, out DeviceSpec device)
    {
        device = default;
        var t = text?.Trim().ToLowerInvariant();
        if (t == "cpu") { device = Cpu; return true; }
        if (t == "cuda") { device = Cuda(); return true; }
        if (t != null && t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None, null, out var index))
        {
            device = Cuda(index);
            return true;
        }
        return false;
    }

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Index}";
}

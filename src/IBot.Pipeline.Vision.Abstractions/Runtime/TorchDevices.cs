using IBot.Pipeline.Abstractions.Runtime;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Runtime;

/// <summary>The engine's device names as TorchSharp devices.</summary>
public static class TorchDevices
{
    public static Device Of(DeviceSpec device) =>
        device.Kind == DeviceKind.Cpu ? CPU : new Device(TorchSharp.DeviceType.CUDA, device.Index);
}

namespace IBot.Pipeline.Abstractions.Runtime;

/// <summary>What the engine needs to know of the tensor runtime it does not reference: versions for
/// the lineage record and the device a run takes when none is named.</summary>
public interface IRuntimeInfo
{
    string? TorchSharpVersion { get; }

    string? LibTorchVersion { get; }

    /// <summary>cuda:0 when a CUDA device is available, else the CPU.</summary>
    DeviceSpec DefaultDevice { get; }
}

/// <summary>Writes a training checkpoint's backbone as a weights file under the reference parameter
/// names (<c>ibot export</c>); the checkpoint format is the tensor runtime's.</summary>
public interface IBackboneExporter
{
    /// <summary>Writes <paramref name="network"/>'s backbone of <paramref name="checkpoint"/> to <paramref name="output"/>;
    /// returns how many tensors it wrote.</summary>
    int Export(string checkpoint, Components.EvaluatedNetwork network, string output);
}

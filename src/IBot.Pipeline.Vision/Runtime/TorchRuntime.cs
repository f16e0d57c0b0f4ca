using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Runs;

namespace IBot.Pipeline.Vision.Runtime;

/// <summary>TorchSharp as the engine sees it: versions, the default device, and the checkpoint
/// format's backbone export.</summary>
public sealed class TorchRuntime : IRuntimeInfo, IBackboneExporter
{
    public string? TorchSharpVersion => TorchEnvironment.TorchSharpVersion;

    public string? LibTorchVersion
    {
        get
        {
            try
            {
                return TorchEnvironment.LibTorchVersion;
            }
            catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
            {
                return null;
            }
        }
    }

    public DeviceSpec DefaultDevice => TorchSharp.torch.cuda.is_available() ? DeviceSpec.Cuda(0) : DeviceSpec.Cpu;

    public int Export(string checkpoint, EvaluatedNetwork network, string output)
    {
        var name = network == EvaluatedNetwork.Teacher ? "teacher" : "student";
        var weights = TrainingCheckpoint.Backbone(checkpoint, name);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "ibot-pipeline/backbone/1",
            ["network"] = name,
            ["source"] = Path.GetFullPath(checkpoint),
        };
        SafeTensors.Save(output, weights, metadata);
        return weights.Count;
    }
}

using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions;

namespace IBot.Plugins.Swin;

/// <summary>Registers the <c>swin</c> backbone.</summary>
public sealed class SwinPlugin : IPlugin
{
    public string Name => "swin";

    public void Register(IComponentRegistry registry) =>
        registry.AddBackbone<SwinSpec, SwinBackbone>("swin",
            "Swin Transformer (the iBOT reference's hierarchical variant): shifted windows, patch merging, masks at the last stage's grid.");
}

using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions;

namespace IBot.Plugins.KoLeo;

/// <summary>Registers the <c>koleo</c> objective.</summary>
public sealed class KoLeoPlugin : IPlugin
{
    public string Name => "koleo";

    public void Register(IComponentRegistry registry) =>
        registry.AddObjective<KoLeoOptions, KoLeoObjective>("koleo",
            "DINOv2's KoLeo regulariser: -mean log distance of each student [CLS] (per global crop, L2-normalised) to its nearest neighbour in the batch.");
}

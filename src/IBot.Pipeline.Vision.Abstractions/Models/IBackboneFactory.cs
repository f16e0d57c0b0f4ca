using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>
/// The <c>backbone</c> role: a registered kind, constructed with its bound options, that builds
/// the networks a method needs (the iBOT student and teacher are two builds of one backbone).
/// </summary>
public interface IBackboneFactory
{
    /// <summary>A new network with freshly initialised weights (the caller seeds torch's generator).</summary>
    IBackbone Create(BackboneBuild build);

    /// <summary>A network for pretrained weights under the reference names (an evaluation-only run):
    /// the factory reads what it needs from them (a ViT its training resolution from the position
    /// embedding) and loads them, every parameter required.</summary>
    IBackbone FromWeights(IReadOnlyDictionary<string, Tensor> state);
}

using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>ibot_head</c> kind: the iBOT projection head; the teacher's keeps its last layer's norm at 1.</summary>
public sealed class IBotHeadFactory(HeadSpec options) : IHeadFactory
{
    public IProjectionHead Create(int inDim, bool teacher) =>
        new IBotHead(options.ToOptions(inDim) with { NormLastLayer = teacher || options.NormLastLayer });
}

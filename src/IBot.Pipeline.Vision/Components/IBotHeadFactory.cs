using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Components;

/// <summary>The <c>ibot_head</c> kind: the iBOT projection head. The teacher's keeps its last layer's norm
/// at 1 and shares its last layer unless <c>shared_teacher: false</c> (the reference's --shared_head_teacher).</summary>
public sealed class IBotHeadFactory(HeadSpec options) : IHeadFactory
{
    public IProjectionHead Create(int inDim, bool teacher) => new IBotHead(teacher
        ? options.ToOptions(inDim) with { NormLastLayer = true, SharedHead = options.SharedTeacher }
        : options.ToOptions(inDim));
}

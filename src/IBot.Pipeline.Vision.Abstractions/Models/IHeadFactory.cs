namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>The <c>heads</c> role: a registered kind that builds heads on a backbone's tokens.</summary>
public interface IHeadFactory
{
    /// <summary>A head reading tokens of width <paramref name="inDim"/>. The iBOT teacher's head
    /// (<paramref name="teacher"/>) keeps its last layer's weight norm frozen at 1.</summary>
    IProjectionHead Create(int inDim, bool teacher);
}

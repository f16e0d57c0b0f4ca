using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>An objective's value (a scalar tensor with its graph) and the parts it reports
/// (scalars, logged as <c>loss_&lt;term&gt;_&lt;part&gt;</c>; they need not sum to it).</summary>
public sealed record ObjectiveTerms(Tensor Loss, IReadOnlyList<KeyValuePair<string, Tensor>> Parts) : IDisposable
{
    public ObjectiveTerms(Tensor loss) : this(loss, [])
    {
    }

    public void Dispose()
    {
        Loss.Dispose();
        foreach (var (_, p) in Parts) p.Dispose();
    }
}

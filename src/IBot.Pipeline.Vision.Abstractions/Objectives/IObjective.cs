using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>
/// A loss term over named network outputs (the <c>objectives</c> role builds them through
/// <see cref="IObjectiveFactory"/>). The total loss is the weighted sum of a spec's terms.
/// State that evolves with training (the iBOT centers) is exposed in <see cref="State"/>, saved in
/// checkpoints and restored in place; it changes only in <see cref="Update"/>, once per step.
/// </summary>
public interface IObjective : IDisposable
{
    /// <summary>The outputs it reads (<see cref="NetworkOutputs.Names"/>).</summary>
    IReadOnlyList<string> Inputs { get; }

    ObjectiveScope Scope { get; }

    /// <summary>The term's value with its graph, without changing any state. A
    /// <see cref="ObjectiveScope.PerImage"/> term is a mean over the images given.</summary>
    ObjectiveTerms Compute(NetworkOutputs outputs);

    /// <summary>What <see cref="Update"/> needs from these outputs, each already multiplied by
    /// <paramref name="share"/> (this shard's fraction of the batch's images), so the shards'
    /// statistics add up to the batch's. Default: none.</summary>
    IReadOnlyDictionary<string, Tensor> Statistics(NetworkOutputs outputs, double share) => new Dictionary<string, Tensor>();

    /// <summary>Advances the state once per step from the batch's summed statistics. Default: no state.</summary>
    void Update(IReadOnlyDictionary<string, Tensor> statistics)
    {
    }

    /// <summary>Tensors saved in checkpoints under <c>objective.&lt;term&gt;.&lt;name&gt;</c>; a resume copies the
    /// saved values into them in place. Default: none.</summary>
    IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor>();
}

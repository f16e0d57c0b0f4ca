using IBot.Pipeline.Vision.Abstractions.Objectives;
using static TorchSharp.torch;
using Names = IBot.Pipeline.Vision.Abstractions.Objectives.NetworkOutputs.Names;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// The objectives that couple a batch's images (<see cref="ObjectiveScope.Batch"/>), computed once
/// on the shards' outputs put back in batch order (crop-major over all images), on the calling
/// thread between the shards' forward and backward. Their gradient with respect to those outputs
/// is cut back into each shard's rows for the shard's backward, so the result does not depend on
/// the number of shards.
/// </summary>
internal sealed class CoupledTerms : IDisposable
{
    /// <summary>The coupled objectives' weighted sum, detached.</summary>
    public required Tensor Loss { get; init; }

    public required List<KeyValuePair<string, Tensor>> Terms { get; init; }

    /// <summary>Each objective's statistics by index (empty for per-image ones).</summary>
    public required IReadOnlyDictionary<string, Tensor>[] Statistics { get; init; }

    /// <summary>Per shard: the gradient of the coupled loss with respect to each of its kept outputs.</summary>
    public required IReadOnlyDictionary<string, Tensor>[] Gradients { get; init; }

    public static CoupledTerms Compute(IReadOnlyList<StepObjective> objectives, IReadOnlyList<string> inputs, ShardPass[] shards, BatchShape shape)
    {
        using var scope = NewDisposeScope();
        var counts = shards.Select(s => s.Images).ToArray();
        var batch = new Dictionary<string, Tensor>();
        var leaves = new List<(string Name, Tensor Leaf)>();
        foreach (var name in inputs.Where(n => shards[0].Outputs.ContainsKey(n)))
        {
            var crops = name == Names.StudentLocalCls ? shape.LocalCrops : shape.GlobalCrops;
            var whole = Interleave(shards.Select(s => s.Outputs[name].detach()).ToArray(), crops, counts);
            if (shards[0].Outputs[name].requires_grad)
            {
                whole.requires_grad_(true);
                leaves.Add((name, whole));
            }
            batch[name] = whole;
        }
        var network = new NetworkOutputs(batch, shape.Epoch, shape.GlobalCrops, shape.LocalCrops, shape.Images);
        Tensor? loss = null;
        var terms = new List<KeyValuePair<string, Tensor>>();
        var statistics = new IReadOnlyDictionary<string, Tensor>[objectives.Count];
        for (var i = 0; i < objectives.Count; i++)
        {
            var o = objectives[i];
            statistics[i] = new Dictionary<string, Tensor>();
            if (o.Objective.Scope != ObjectiveScope.Batch) continue;
            var result = o.Objective.Compute(network);
            var weighted = ShardPass.Scale(result.Loss, o.Weight);
            loss = loss is null ? weighted : loss.add(weighted, Scalars.One);
            terms.Add(KeyValuePair.Create($"loss_{o.Name}", weighted.detach().DetachFromDisposeScope()));
            foreach (var (part, value) in result.Parts)
                terms.Add(KeyValuePair.Create($"loss_{o.Name}_{part}", ShardPass.Scale(value.detach(), o.Weight).DetachFromDisposeScope()));
            statistics[i] = o.Objective.Statistics(network, 1.0).ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        }
        var gradients = shards.Select(_ => new Dictionary<string, Tensor>()).ToArray();
        if (loss is not null && loss.requires_grad && leaves.Count > 0)
        {
            var grads = autograd.grad([loss], leaves.Select(l => l.Leaf).ToList(), allow_unused: true);
            for (var j = 0; j < leaves.Count; j++)
            {
                if (grads[j] is not { IsInvalid: false } g) continue;
                var crops = leaves[j].Name == Names.StudentLocalCls ? shape.LocalCrops : shape.GlobalCrops;
                var slices = Deinterleave(g, crops, counts);
                for (var k = 0; k < shards.Length; k++) gradients[k][leaves[j].Name] = slices[k].DetachFromDisposeScope();
            }
        }
        return new CoupledTerms
        {
            Loss = (loss?.detach() ?? zeros(1).sum()).DetachFromDisposeScope(),
            Terms = terms,
            Statistics = statistics,
            Gradients = gradients,
        };
    }

    /// <summary>Shards' crop-major rows ((crop 0: its images), (crop 1: …)) back into the batch's crop-major order.</summary>
    private static Tensor Interleave(Tensor[] parts, int crops, long[] counts) =>
        cat(Enumerable.Range(0, crops).SelectMany(c => parts.Select((p, k) => p.narrow(0, c * counts[k], counts[k]))).ToArray(), 0);

    /// <summary>The inverse of <see cref="Interleave"/>: each shard's rows of a batch tensor.</summary>
    private static Tensor[] Deinterleave(Tensor whole, int crops, long[] counts)
    {
        var images = counts.Sum();
        var starts = new long[counts.Length];
        for (var k = 1; k < counts.Length; k++) starts[k] = starts[k - 1] + counts[k - 1];
        return counts.Select((n, k) => cat(Enumerable.Range(0, crops).Select(c => whole.narrow(0, c * images + starts[k], n)).ToArray(), 0)).ToArray();
    }

    public void Dispose()
    {
        Loss.Dispose();
        foreach (var (_, t) in Terms) t.Dispose();
        foreach (var s in Statistics) foreach (var t in s.Values) t.Dispose();
        foreach (var g in Gradients) foreach (var t in g.Values) t.Dispose();
    }
}

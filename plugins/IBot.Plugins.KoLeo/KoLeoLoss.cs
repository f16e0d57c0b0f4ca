using IBot.Pipeline.Vision.Abstractions.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Plugins.KoLeo;

/// <summary>
/// DINOv2's Kozachenko–Leonenko regulariser (Sablayrolles et al. 2018, "Spreading vectors for
/// similarity search"): for each global crop, the student backbone's [CLS] tokens of the batch are
/// L2-normalised, each finds its nearest other token by inner product, and the term is
/// −mean log(‖x − x_nn + ε‖ + ε). The crops' terms are summed (never across crops: two crops of one
/// image are not pushed apart). It couples the batch's images, so the step computes it once on the
/// whole batch.
/// </summary>
public sealed class KoLeoLoss(KoLeoOptions options) : IObjective
{
    public IReadOnlyList<string> Inputs { get; } = [NetworkOutputs.Names.StudentBackboneCls];

    public ObjectiveScope Scope => ObjectiveScope.Batch;

    public ObjectiveTerms Compute(NetworkOutputs outputs)
    {
        using var scope = NewDisposeScope();
        var features = outputs[NetworkOutputs.Names.StudentBackboneCls];     // (G·B, D), crop-major
        Tensor? total = null;
        foreach (var crop in features.chunk(outputs.GlobalCrops, 0))
        {
            var term = Term(crop);
            total = total is null ? term : total.add(term, Scalars.One);
        }
        return new ObjectiveTerms(total!.MoveToOuterDisposeScope());
    }

    /// <summary>One crop's term over its B rows.</summary>
    public Tensor Term(Tensor x)
    {
        if (x.shape[0] < 2) throw new ArgumentException($"KoLeo needs at least two images per crop to find neighbours; this batch has {x.shape[0]}");
        using var scope = NewDisposeScope();
        var normed = nn.functional.normalize(x, p: 2, dim: -1, eps: options.Eps);
        Tensor nearest;
        using (no_grad())
        {
            // Largest inner product = smallest distance between unit vectors; never oneself.
            var dots = normed.mm(normed.t());
            using var minusOne = (-1.0).ToScalar();
            dots.diagonal().fill_(minusOne);
            nearest = dots.argmax(1);
        }
        var distances = nn.functional.pairwise_distance(normed, normed.index_select(0, nearest), p: 2, eps: options.Eps); // (B)
        using var eps = options.Eps.ToScalar();
        return distances.add(eps, Scalars.One).log().mean().neg().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
    }
}

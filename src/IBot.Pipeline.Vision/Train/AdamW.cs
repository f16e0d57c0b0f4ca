using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// AdamW with torch's exact semantics (decoupled weight decay applied first, bias-corrected
/// moments, eps added after the square root), per-group learning rate and weight decay, and
/// parameters without a gradient skipped entirely (no decay, no moment update, no step count),
/// which is how the reference's frozen last layer behaves. Owned here rather than taken from
/// TorchSharp so the state is explicit for checkpoints and the update order is pinned.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly Dictionary<Parameter, State> state = new(ReferenceEqualityComparer.Instance);

    public AdamW(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        Groups = groups;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    /// <summary>Per-parameter state: step count and the two moment estimates.</summary>
    public sealed class State(Tensor expAvg, Tensor expAvgSq) : IDisposable
    {
        public long Step { get; set; }

        public Tensor ExpAvg { get; } = expAvg;

        public Tensor ExpAvgSq { get; } = expAvgSq;

        public void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }

    public IEnumerable<(string Name, State State)> States =>
        Groups.SelectMany(g => g.Parameters).Where(p => state.ContainsKey(p.Parameter)).Select(p => (p.Name, state[p.Parameter]));

    /// <summary>Drops every gradient (torch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var (_, p) in g.Parameters)
            {
                var grad = p.grad;
                if (grad is null) continue;
                p.grad = null;
                grad.Dispose();
            }
    }

    public void Step()
    {
        using var _ = no_grad();
        foreach (var group in Groups)
        {
            foreach (var (_, p) in group.Parameters)
            {
                var grad = p.grad;
                if (grad is null) continue;
                if (!state.TryGetValue(p, out var s))
                    state[p] = s = new State(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
                using var scope = NewDisposeScope();
                s.Step++;
                var biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
                var biasCorrection2 = 1 - Math.Pow(Beta2, s.Step);
                var stepSize = group.LearningRate / biasCorrection1;
                using var decay = (1 - group.LearningRate * group.WeightDecay).ToScalar();
                using var beta1 = Beta1.ToScalar();
                using var rest1 = (1 - Beta1).ToScalar();
                using var beta2 = Beta2.ToScalar();
                using var rest2 = (1 - Beta2).ToScalar();
                using var correction2 = Math.Sqrt(biasCorrection2).ToScalar();
                using var eps = Eps.ToScalar();
                using var negativeStep = (-stepSize).ToScalar();
                p.mul_(decay);
                s.ExpAvg.mul_(beta1).add_(grad, rest1);
                s.ExpAvgSq.mul_(beta2).addcmul_(grad, grad, rest2);
                var denom = s.ExpAvgSq.sqrt().div_(correction2).add_(eps, Scalars.One);
                p.addcdiv_(s.ExpAvg, denom, negativeStep);
            }
        }
    }

    /// <summary>State of a named parameter, created empty (step 0) if absent, for checkpoint restore.</summary>
    public State StateOf(string name)
    {
        var p = Groups.SelectMany(g => g.Parameters).FirstOrDefault(x => x.Name == name).Parameter
            ?? throw new KeyNotFoundException($"no parameter '{name}' in the optimiser");
        if (!state.TryGetValue(p, out var s))
            state[p] = s = new State(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
        return s;
    }

    public void Dispose()
    {
        foreach (var s in state.Values) s.Dispose();
        state.Clear();
    }
}

using TorchSharp;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Eval;

/// <summary>
/// torch's SGD (momentum, no dampening, no Nesterov, L2 weight decay added to the gradient,
/// momentum buffer initialised to the first gradient) for a <see cref="LinearClassifierBank"/>,
/// with its own learning rate and weight decay per head, applied to every head in one kernel.
/// </summary>
public sealed class BankSgd : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor?[] buffers;
    private readonly Tensor lr;  // (H)
    private readonly Tensor wd;  // (H)
    private readonly bool decays;

    public BankSgd(LinearClassifierBank bank, IReadOnlyList<double> learningRates, IReadOnlyList<double> weightDecays, double momentum)
    {
        if (learningRates.Count != bank.Heads || weightDecays.Count != bank.Heads)
            throw new ArgumentException($"one learning rate and weight decay per head ({bank.Heads})");
        parameters = [bank.Weight, bank.Bias];
        buffers = new Tensor?[parameters.Length];
        var device = bank.Weight.device;
        lr = tensor(learningRates.Select(v => (float)v).ToArray(), device: device);
        wd = tensor(weightDecays.Select(v => (float)v).ToArray(), device: device);
        decays = weightDecays.Any(v => v != 0);
        Momentum = momentum;
    }

    public double Momentum { get; }

    /// <summary>One step with each head's learning rate times <paramref name="lrFactor"/> (the schedule's value).</summary>
    public void Step(double lrFactor)
    {
        using var _ = no_grad();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.grad is not { } grad) continue;
            using var scope = NewDisposeScope();
            var perHead = new long[p.dim()];
            Array.Fill(perHead, 1L);
            perHead[0] = -1;
            var step = decays ? grad.add(p.mul(wd.view(perHead)), Scalars.One) : grad;
            using var momentum = Momentum.ToScalar();
            using var factor = lrFactor.ToScalar();
            if (buffers[i] is { } buffer) buffer.mul_(momentum).add_(step, Scalars.One);
            else buffers[i] = step.clone().DetachFromDisposeScope();
            p.sub_(buffers[i]!.mul(lr.view(perHead)).mul_(factor));
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            p.grad = null;
            grad.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var b in buffers) b?.Dispose();
        lr.Dispose();
        wd.Dispose();
    }
}

using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions.Models;
using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.TestRoles;

/// <summary>Head: one linear map for [CLS] and patch tokens (its last layer, frozen like the iBOT head's).</summary>
public sealed class LinearHead : nn.Module<Tensor, HeadOutput>, IProjectionHead
{
    private readonly Linear last_layer;

    public LinearHead(int inDim, int outDim) : base(nameof(LinearHead))
    {
        last_layer = nn.Linear(inDim, outDim);
        RegisterComponents();
    }

    public nn.Module Module => this;
    public int OutDim => (int)last_layer.weight!.shape[0];
    public int PatchOutDim => OutDim;

    public override HeadOutput forward(Tensor tokens) => Forward(tokens);

    public HeadOutput Forward(Tensor tokens) => tokens.dim() == 2
        ? new HeadOutput(last_layer.call(tokens), null)
        : new HeadOutput(last_layer.call(tokens.select(1, 0)), last_layer.call(tokens.narrow(1, 1, tokens.shape[1] - 1)));

    public HeadOutput ForwardRows(Tensor rows, long clsCount)
    {
        using var scope = NewDisposeScope();
        var z = last_layer.call(rows);
        return new HeadOutput(z.narrow(0, 0, clsCount).MoveToOuterDisposeScope(), z.narrow(0, clsCount, z.shape[0] - clsCount).MoveToOuterDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) last_layer.Dispose();
        base.Dispose(disposing);
    }
}

public sealed class LinearHeadFactory(LinearHeadOptions options) : IHeadFactory
{
    public IProjectionHead Create(int inDim, bool teacher) => new LinearHead(inDim, options.OutDim);
}

/// <summary>Objective: mean squared difference of the student's and teacher's [CLS] distributions.</summary>
public sealed class ClsMse : IObjective
{
    public IReadOnlyList<string> Inputs { get; } = [NetworkOutputs.Names.StudentCls, NetworkOutputs.Names.TeacherCls];
    public ObjectiveScope Scope => ObjectiveScope.PerImage;

    public ObjectiveTerms Compute(NetworkOutputs outputs)
    {
        using var scope = NewDisposeScope();
        var student = outputs[NetworkOutputs.Names.StudentCls].softmax(-1);
        Tensor teacher;
        using (no_grad()) teacher = outputs[NetworkOutputs.Names.TeacherCls].softmax(-1);
        var loss = student.sub(teacher).square().sum(-1).mean();
        return new ObjectiveTerms(loss.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
    }
}

public sealed class ClsMseObjective(ClsMseOptions options) : IObjectiveFactory
{
    public ClsMseOptions Options { get; } = options;
    public IObjective Create(ObjectiveSetup setup) => new ClsMse();
}

/// <summary>Evaluator: the mean L2 norm of the evaluated backbone's test features.</summary>
public sealed class FeatureNorm(FeatureNormOptions options) : IEvaluator
{
    public FeatureNormOptions Options { get; } = options;

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken)
    {
        var features = context.Features.Extract(context.Test, cancellationToken);
        var mean = features.Average(f => Math.Sqrt(f.Sum(v => (double)v * v)));
        return Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double> { ["mean_norm"] = mean });
    }
}

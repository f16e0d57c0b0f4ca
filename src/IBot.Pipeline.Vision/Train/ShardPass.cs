using System.Diagnostics;
using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;
using Names = IBot.Pipeline.Vision.Abstractions.Objectives.NetworkOutputs.Names;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// One shard's part of a step, on its own thread: the forward passes, the per-image objectives
/// (weighted by their spec weight and the shard's share of the batch) with the graph kept, then
/// (<see cref="Backward"/>) the gradients of the student's parameters. Everything it holds was
/// created on its thread and is disposed there.
/// </summary>
internal sealed class ShardPass : IDisposable
{
    private Tensor? graphLoss;
    private readonly Dictionary<string, Tensor> outputs;

    private ShardPass(Tensor? graphLoss, Tensor loss, List<KeyValuePair<string, Tensor>> terms, IReadOnlyDictionary<string, Tensor>[] statistics,
        Dictionary<string, Tensor> outputs, long images, double forwardSeconds)
    {
        this.graphLoss = graphLoss;
        Loss = loss;
        Terms = terms;
        Statistics = statistics;
        this.outputs = outputs;
        Images = images;
        ForwardSeconds = forwardSeconds;
    }

    /// <summary>The per-image objectives' weighted sum, detached.</summary>
    public Tensor Loss { get; }

    /// <summary>Per-image terms and parts, weighted, detached.</summary>
    public List<KeyValuePair<string, Tensor>> Terms { get; }

    /// <summary>Each objective's statistics, by objective index (empty for batch-coupled ones).</summary>
    public IReadOnlyDictionary<string, Tensor>[] Statistics { get; }

    /// <summary>The outputs batch-coupled objectives read, with their graphs.</summary>
    public IReadOnlyDictionary<string, Tensor> Outputs => outputs;

    public long Images { get; }

    public Tensor?[] Gradients { get; private set; } = [];

    public double ForwardSeconds { get; }

    public double BackwardSeconds { get; private set; }

    /// <summary>Teacher and student on these images (crop-major: <paramref name="globals"/> with their
    /// <paramref name="masks"/>, <paramref name="locals"/>, stochastic depth taken in advance), then the
    /// per-image objectives, each weighted by its spec weight times <paramref name="share"/>, the
    /// <paramref name="images"/>' fraction of the batch. <paramref name="keep"/> names the outputs kept
    /// with their graphs for objectives that couple the batch.</summary>
    public static ShardPass Run(IBotNetwork student, IBotNetwork teacher, IReadOnlyList<StepObjective> objectives, IReadOnlyList<string> keep,
        Tensor globals, Tensor masks, Tensor? locals, StochasticDepthDraws? globalDraws, StochasticDepthDraws? localDraws,
        BatchShape shape, long images, double share, Precision precision = Precision.Fp32)
    {
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        // Heads project only what the losses read: [CLS], masked patches and (teacher) the patch mean.
        // Both networks run in the step's precision; the objectives read float32 outputs.
        TeacherHeadOutput teacherOut;
        StudentOutput studentOut;
        Tensor? localCls = null;
        using (Autocast.Enable(precision))
        {
            using (no_grad()) teacherOut = teacher.ForwardTeacher(globals, masks);
            studentOut = student.ForwardMasked(globals, masks, globalDraws);
            if (locals is not null) localCls = student.ForwardCls(locals, localDraws).HeadCls; // (L·b, K)
        }
        var available = new Dictionary<string, Tensor>
        {
            [Names.StudentCls] = Autocast.Full(studentOut.Cls),
            [Names.StudentPatch] = Autocast.Full(studentOut.MaskedPatches),
            [Names.StudentBackboneCls] = Autocast.Full(studentOut.BackboneCls),
            [Names.TeacherCls] = Autocast.Full(teacherOut.Cls),
            [Names.TeacherPatch] = Autocast.Full(teacherOut.MaskedPatches),
            [Names.TeacherPatchMean] = Autocast.Full(teacherOut.PatchMean),
            [Names.Masks] = masks,
        };
        if (localCls is not null) available[Names.StudentLocalCls] = Autocast.Full(localCls);
        var network = new NetworkOutputs(available, shape.Epoch, shape.GlobalCrops, shape.LocalCrops, images);

        Tensor? loss = null;
        var terms = new List<KeyValuePair<string, Tensor>>();
        var statistics = new IReadOnlyDictionary<string, Tensor>[objectives.Count];
        for (var i = 0; i < objectives.Count; i++)
        {
            var o = objectives[i];
            statistics[i] = new Dictionary<string, Tensor>();
            if (o.Objective.Scope == ObjectiveScope.Batch) continue;
            var factor = o.Weight * share;
            var result = o.Objective.Compute(network);
            var weighted = Scale(result.Loss, factor);
            loss = loss is null ? weighted : loss.add(weighted, Scalars.One);
            terms.Add(KeyValuePair.Create($"loss_{o.Name}", weighted.detach().DetachFromDisposeScope()));
            foreach (var (part, partValue) in result.Parts)
                terms.Add(KeyValuePair.Create($"loss_{o.Name}_{part}", Scale(partValue.detach(), factor).DetachFromDisposeScope()));
            statistics[i] = o.Objective.Statistics(network, share).ToDictionary(kv => kv.Key, kv => kv.Value.DetachFromDisposeScope());
        }
        var kept = keep.Where(available.ContainsKey).ToDictionary(name => name, name => available[name].DetachFromDisposeScope());
        var value = loss is null ? zeros(1, device: globals.device).sum() : loss.detach();
        return new ShardPass(loss?.DetachFromDisposeScope(), value.DetachFromDisposeScope(), terms, statistics, kept, images, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The gradients of the kept loss, plus, for batch-coupled objectives, the given
    /// gradients with respect to this shard's outputs carried back through its graph, all times
    /// <paramref name="lossScale"/> (fp16's loss scaling; 1 leaves them as they are).</summary>
    public void Backward(IList<Tensor> trainable, IReadOnlyDictionary<string, Tensor>? outputGradients, double lossScale = 1.0)
    {
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var objective = graphLoss;
        foreach (var (name, gradient) in outputGradients ?? new Dictionary<string, Tensor>())
        {
            // d/dθ Σ(output · g) = gᵀ ∂output/∂θ: the coupled terms' gradient through this shard's graph.
            var carried = outputs[name].mul(gradient).sum();
            objective = objective is null ? carried : objective.add(carried, Scalars.One);
        }
        if (objective is null) throw new InvalidOperationException("nothing to differentiate: no objective reads the student");
        objective = Scale(objective, lossScale);
        Gradients = autograd.grad([objective], trainable, allow_unused: true)
            .Select(g => g is null || g.IsInvalid ? null : g.DetachFromDisposeScope()).ToArray();
        graphLoss?.Dispose();
        graphLoss = null;
        BackwardSeconds = watch.Elapsed.TotalSeconds;
    }

    /// <summary><paramref name="value"/> × <paramref name="factor"/>; the tensor itself when the factor is 1.</summary>
    internal static Tensor Scale(Tensor value, double factor)
    {
        if (factor == 1.0) return value;
        using var f = factor.ToScalar();
        return value.mul(f);
    }

    public void Dispose()
    {
        graphLoss?.Dispose();
        Loss.Dispose();
        foreach (var (_, t) in Terms) t.Dispose();
        foreach (var s in Statistics) foreach (var t in s.Values) t.Dispose();
        foreach (var t in outputs.Values) t.Dispose();
        foreach (var g in Gradients) g?.Dispose();
    }
}

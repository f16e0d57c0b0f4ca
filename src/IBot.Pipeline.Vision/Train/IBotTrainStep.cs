using System.Diagnostics;
using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// One iBOT optimisation step, in the reference's order: schedules, teacher and student
/// forward, the objectives (their weighted sum is the loss), backward, per-parameter clipping,
/// last-layer freezing, AdamW, teacher EMA, then the objectives' state (the centers). Returns the
/// losses as detached device scalars; nothing is read back to the host, so the caller decides
/// when to synchronise (at its log interval).
/// </summary>
/// <remarks>
/// On the CPU the batch is split into shards, one per thread, each running forward and backward
/// with one libtorch thread; the shards' gradients are summed in shard order. This is the
/// reference's multi-GPU step on threads: a per-image objective's value is a mean over the
/// shard's images, weighted by its share of the batch, and objective state (the centers) is
/// updated once from the whole batch's statistics, as the reference all-reduces them. An
/// objective that couples the batch's images (<see cref="ObjectiveScope.Batch"/>) is computed once,
/// between the shards' forward and backward, on their outputs put back in batch order; its
/// gradient with respect to those outputs goes back to each shard's backward. Stochastic depth is
/// drawn for the whole batch first, in the order one forward pass draws it, so a sharded step
/// computes the same thing as an unsharded one, up to float rounding.
/// </remarks>
public sealed class IBotTrainStep : IDisposable
{
    private readonly IBotNetwork student;
    private readonly IBotNetwork teacher;
    private readonly IReadOnlyList<StepObjective> objectives;
    private readonly AdamW optimizer;
    private readonly TeacherEma ema;
    private readonly StepOptions options;
    private readonly (string Name, TorchSharp.Modules.Parameter Parameter)[] studentParameters;
    private readonly Tensor[] trainable;
    private readonly string[] coupledInputs;
    private readonly int threadsPerShard;
    private ShardWorkers? workers;

    public IBotTrainStep(IBotNetwork student, IBotNetwork teacher, IReadOnlyList<StepObjective> objectives, AdamW optimizer, StepOptions options)
    {
        options.Validate();
        if (objectives.Count == 0) throw new ArgumentException("a training step needs at least one objective");
        this.student = student;
        this.teacher = teacher;
        this.objectives = objectives;
        this.optimizer = optimizer;
        this.options = options;
        ema = new TeacherEma(student, teacher);
        studentParameters = student.named_parameters().ToArray();
        trainable = studentParameters.Select(p => p.Parameter).Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        foreach (var (_, p) in teacher.named_parameters()) p.requires_grad = false;
        coupledInputs = objectives.Where(o => o.Objective.Scope == ObjectiveScope.Batch).SelectMany(o => o.Objective.Inputs).Distinct().ToArray();
        var threads = Math.Max(1, get_num_threads());
        var onCpu = trainable.Length == 0 || trainable[0].device.type == DeviceType.CPU;
        Shards = options.Shards > 0 ? options.Shards : onCpu ? threads : 1;
        threadsPerShard = Math.Max(1, threads / Shards);
        Scaler = options.Precision == Precision.Fp16 ? new LossScaler() : null;
    }

    /// <summary>fp16's dynamic loss scale; null in fp32 and bf16 (bfloat16 has float32's range).</summary>
    public LossScaler? Scaler { get; }

    /// <summary>Shards a batch is split into (fewer when the batch has fewer images).</summary>
    public int Shards { get; }

    /// <summary>The outputs an objective coupling the batch may read: those with one row per image and crop.</summary>
    public static IReadOnlyList<string> BatchReadableOutputs { get; } =
    [
        NetworkOutputs.Names.StudentCls, NetworkOutputs.Names.StudentLocalCls, NetworkOutputs.Names.StudentBackboneCls,
        NetworkOutputs.Names.TeacherCls, NetworkOutputs.Names.Masks,
    ];

    /// <param name="batch">The views of one batch.</param>
    /// <param name="schedule">This iteration's scheduled values.</param>
    /// <param name="timings">Benchmarks only: time each phase (synchronising the device between them).</param>
    public StepLosses Run(TrainBatch batch, StepSchedule schedule, StepTimings? timings = null)
    {
        using var scope = NewDisposeScope();
        timings?.Start();

        // Schedules
        ParameterGroups.Apply(optimizer.Groups, schedule.LearningRate, schedule.WeightDecay);

        // Forward: the teacher sees whole global crops, the student masked global crops and local crops.
        var globals = cat(batch.GlobalCrops.ToArray(), 0);                   // (G·B, 3, H, W)
        var masks = cat(batch.Masks.ToArray(), 0);                            // (G·B, h, w)
        var locals = batch.LocalCrops.Count > 0 ? cat(batch.LocalCrops.ToArray(), 0) : null; // (L·B, 3, h, w)
        var shape = new BatchShape(batch.GlobalCrops.Count, batch.LocalCrops.Count, batch.GlobalCrops[0].shape[0], schedule.Epoch);
        optimizer.ZeroGrad();
        var losses = RunShards(globals, masks, locals, shape, (int)Math.Min(Shards, shape.Images), timings);

        // Unscaling (fp16), clipping and freezing, in the reference's order.
        var skip = Scaler?.Unscale(trainable.Select(p => p.grad)) ?? false;
        if (options.ClipGrad > 0) GradientClipping.ClipPerParameter(studentParameters, options.ClipGrad);
        GradientClipping.CancelLastLayer(studentParameters, schedule.Epoch, options.FreezeLastLayerEpochs,
            name => name.StartsWith("head.", StringComparison.Ordinal) && student.Head.IsLastLayer(name["head.".Length..]));

        timings?.Lap(StepTimings.Phase.Backward);

        // Step: skipped when fp16 gradients overflowed (GradScaler.step), then the scale's schedule.
        if (!skip) optimizer.Step();
        Scaler?.Update(skip);
        optimizer.ZeroGrad();
        timings?.Lap(StepTimings.Phase.Step);

        // Teacher EMA
        ema.Update(schedule.TeacherMomentum);
        timings?.Lap(StepTimings.Phase.Ema);
        if (timings is not null) timings.Steps++;

        return new StepLosses(losses.Total.MoveToOuterDisposeScope(),
            losses.Terms.Select(t => KeyValuePair.Create(t.Key, t.Value.MoveToOuterDisposeScope())).ToList());
    }

    /// <summary>Forward and backward of the shards on their threads (one shard: the whole batch on
    /// the caller's); leaves the summed gradients in the student's parameters, updates the
    /// objectives' state from the whole batch and returns the losses.</summary>
    private StepLosses RunShards(Tensor globals, Tensor masks, Tensor? locals, BatchShape shape, int shards, StepTimings? timings)
    {
        var device = globals.device;
        // Stochastic depth for the whole batch, in the order one forward pass takes it: globals, then locals.
        using var globalDraws = student.Backbone.DrawStochasticDepth(globals.shape[0], device);
        using var localDraws = locals is null ? null : student.Backbone.DrawStochasticDepth(locals.shape[0], device);
        var results = new ShardPass[shards];
        var lossScale = (double)(Scaler?.Scale ?? 1f);
        var threads = get_num_threads();
        workers ??= new ShardWorkers(Shards - 1);
        CoupledTerms? coupled = null;
        try
        {
            if (coupledInputs.Length == 0)
                workers.Run(shards, k =>
                {
                    set_num_threads(threadsPerShard);
                    results[k] = Forward(globals, masks, locals, globalDraws, localDraws, shape, k, shards);
                    results[k].Backward(trainable, null, lossScale);
                });
            else
            {
                workers.Run(shards, k =>
                {
                    set_num_threads(threadsPerShard);
                    results[k] = Forward(globals, masks, locals, globalDraws, localDraws, shape, k, shards);
                });
                coupled = CoupledTerms.Compute(objectives, coupledInputs, results, shape);
                workers.Run(shards, k =>
                {
                    set_num_threads(threadsPerShard);
                    results[k].Backward(trainable, coupled.Gradients[k], lossScale);
                });
            }
        }
        finally
        {
            set_num_threads(threads);
        }

        try
        {
            SumGradients(results);
            var losses = SumLosses(results, coupled);
            UpdateObjectives(results, coupled);
            timings?.LapForwardBackward(results.Average(r => r.ForwardSeconds / Math.Max(r.ForwardSeconds + r.BackwardSeconds, 1e-9)));
            return losses;
        }
        finally
        {
            coupled?.Dispose();
            // Each thread disposes what it created, so per-thread tensor accounting stays exact.
            workers.Run(shards, k => results[k]?.Dispose());
        }
    }

    /// <summary>Shard <paramref name="k"/> of <paramref name="shards"/>: its images of every crop,
    /// through teacher and student, and its per-image objectives.</summary>
    private ShardPass Forward(Tensor globals, Tensor masks, Tensor? locals, StochasticDepthDraws? globalDraws,
        StochasticDepthDraws? localDraws, BatchShape shape, int k, int shards)
    {
        if (shards == 1) return ShardPass.Run(student, teacher, objectives, coupledInputs, globals, masks, locals, globalDraws, localDraws, shape, shape.Images, 1.0, options.Precision);
        using var scope = NewDisposeScope();
        var start = shape.Images * k / shards;
        var count = shape.Images * (k + 1) / shards - start;
        var globalRows = ShardRows(shape.GlobalCrops, shape.Images, start, count, globals.device);
        using var shardGlobalDraws = globalDraws?.Select(globalRows);
        Tensor? localRows = locals is null ? null : ShardRows(shape.LocalCrops, shape.Images, start, count, locals.device);
        using var shardLocalDraws = localRows is null ? null : localDraws?.Select(localRows);
        return ShardPass.Run(student, teacher, objectives, coupledInputs, globals.index_select(0, globalRows), masks.index_select(0, globalRows),
            localRows is null ? null : locals!.index_select(0, localRows), shardGlobalDraws, shardLocalDraws, shape, count, (double)count / shape.Images, options.Precision);
    }

    /// <summary>Gradients summed in shard order, so the step is deterministic.</summary>
    private void SumGradients(ShardPass[] results)
    {
        for (var i = 0; i < trainable.Length; i++)
        {
            Tensor? sum = null;
            foreach (var r in results)
            {
                var g = r.Gradients[i];
                if (g is null) continue;
                if (sum is not null)
                {
                    sum.add_(g, Scalars.One);
                    continue;
                }
                sum = g;                 // the first shard's gradient becomes the sum: no copy
                r.Gradients[i] = null;
            }
            if (sum is null) continue;
            trainable[i].grad = sum;
            sum.Dispose();               // the parameter holds its own reference
        }
    }

    /// <summary>The total and every term, per-image terms summed over the shards in order, coupled terms added once.</summary>
    private static StepLosses SumLosses(ShardPass[] results, CoupledTerms? coupled)
    {
        var total = SumInOrder(results.Select(r => r.Loss));
        if (coupled is not null) total.add_(coupled.Loss, Scalars.One);
        var terms = new List<KeyValuePair<string, Tensor>>();
        foreach (var name in results[0].Terms.Select(t => t.Key).Concat(coupled?.Terms.Select(t => t.Key) ?? []).Distinct())
        {
            var fromShards = results.Select(r => r.Terms.FirstOrDefault(t => t.Key == name).Value).Where(t => t is not null).ToList();
            var value = fromShards.Count > 0 ? SumInOrder(fromShards!) : coupled!.Terms.First(t => t.Key == name).Value.clone();
            terms.Add(KeyValuePair.Create(name, value));
        }
        return new StepLosses(total, terms);
    }

    /// <summary>Each objective's state advanced once from the batch's statistics (shards' summed in order).</summary>
    private void UpdateObjectives(ShardPass[] results, CoupledTerms? coupled)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < objectives.Count; i++)
        {
            var statistics = objectives[i].Objective.Scope == ObjectiveScope.Batch
                ? coupled!.Statistics[i]
                : results[0].Statistics[i].Keys.ToDictionary(key => key, key => SumInOrder(results.Select(r => r.Statistics[i][key])));
            if (statistics.Count > 0) objectives[i].Objective.Update(statistics);
        }
    }

    /// <summary>A new tensor holding the values' sum, added in order.</summary>
    internal static Tensor SumInOrder(IEnumerable<Tensor> values)
    {
        Tensor? sum = null;
        foreach (var v in values) sum = sum is null ? v.clone() : sum.add_(v, Scalars.One);
        return sum ?? throw new InvalidOperationException("no shard results");
    }

    /// <summary>Rows of a crop-major batch ((crop 0's images), (crop 1's), …) that hold images
    /// [start, start + count) of every crop.</summary>
    private static Tensor ShardRows(long crops, long images, long start, long count, Device device) =>
        cat(Enumerable.Range(0, (int)crops).Select(c => Scalars.Arange(c * images + start, c * images + start + count, 1, device)).ToArray());

    /// <summary>Live TorchSharp tensors created by each thread the step runs on, the caller's first
    /// (TorchSharp counts per thread), for leak checks.</summary>
    public long[] LiveTensorsByThread()
    {
        if (workers is null) return [DisposeScopeManager.Statistics.ThreadTotalLiveCount];
        var counts = new long[workers.Count + 1];
        workers.Run(counts.Length, k => counts[k] = DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        return counts;
    }

    public void Dispose() => workers?.Dispose();
}

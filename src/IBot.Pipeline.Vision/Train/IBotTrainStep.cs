using System.Diagnostics;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// One iBOT optimisation step, in the reference's order: schedules, teacher and student
/// forward, loss, backward, per-parameter clipping, last-layer freezing, AdamW, teacher EMA.
/// Returns the loss parts as detached device scalars; nothing is read back to the host, so the
/// caller decides when to synchronise (at its log interval).
/// </summary>
/// <remarks>
/// On the CPU the batch is split into shards, one per thread, each running forward and backward
/// with one libtorch thread; the shards' gradients are summed in shard order. This is the
/// reference's multi-GPU step on threads: each shard's loss is a mean over its images, weighted
/// by its share of the batch, and the centers are updated once from the whole batch. Stochastic
/// depth is drawn for the whole batch first, in the order one forward pass draws it, so a
/// sharded step computes the same thing as an unsharded one, up to float rounding. Small
/// operations keep one thread busy with no barrier to wait at, which two intra-op threads on
/// 65-token sequences do not.
/// </remarks>
public sealed class IBotTrainStep : IDisposable
{
    private readonly IBotNetwork student;
    private readonly IBotNetwork teacher;
    private readonly IBotLoss loss;
    private readonly AdamW optimizer;
    private readonly TeacherEma ema;
    private readonly StepOptions options;
    private readonly (string Name, TorchSharp.Modules.Parameter Parameter)[] studentParameters;
    private readonly TorchSharp.Modules.Parameter[] trainable;
    private readonly int threadsPerShard;
    private ShardWorkers? workers;

    public IBotTrainStep(IBotNetwork student, IBotNetwork teacher, IBotLoss loss, AdamW optimizer, StepOptions options)
    {
        options.Validate();
        this.student = student;
        this.teacher = teacher;
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        ema = new TeacherEma(student, teacher);
        studentParameters = student.named_parameters().ToArray();
        trainable = studentParameters.Select(p => p.Parameter).Where(p => p.requires_grad).ToArray();
        foreach (var (_, p) in teacher.named_parameters()) p.requires_grad = false;
        var threads = Math.Max(1, get_num_threads());
        var onCpu = trainable.Length == 0 || trainable[0].device.type == DeviceType.CPU;
        Shards = options.Shards > 0 ? options.Shards : onCpu ? threads : 1;
        threadsPerShard = Math.Max(1, threads / Shards);
    }

    /// <summary>Shards a batch is split into (fewer when the batch has fewer images).</summary>
    public int Shards { get; }

    /// <param name="batch">The views of one batch.</param>
    /// <param name="schedule">This iteration's scheduled values.</param>
    /// <param name="timings">Benchmarks only: time each phase (synchronising the device between them).</param>
    public IBotLossParts Run(TrainBatch batch, StepSchedule schedule, StepTimings? timings = null)
    {
        using var scope = NewDisposeScope();
        timings?.Start();

        // Schedules
        ParameterGroups.Apply(optimizer.Groups, schedule.LearningRate, schedule.WeightDecay);

        // Forward: the teacher sees whole global crops, the student masked global crops and local crops.
        var globals = cat(batch.GlobalCrops.ToArray(), 0);                   // (G·B, 3, H, W)
        var masks = cat(batch.Masks.ToArray(), 0);                            // (G·B, h, w)
        var locals = batch.LocalCrops.Count > 0 ? cat(batch.LocalCrops.ToArray(), 0) : null; // (L·B, 3, h, w)
        var images = batch.GlobalCrops[0].shape[0];
        optimizer.ZeroGrad();
        var parts = RunShards(globals, masks, locals, images, (int)Math.Min(Shards, images), schedule.Epoch, timings);

        // Clipping and freezing
        if (options.ClipGrad > 0) GradientClipping.ClipPerParameter(studentParameters, options.ClipGrad);
        GradientClipping.CancelLastLayer(studentParameters, schedule.Epoch, options.FreezeLastLayerEpochs);

        timings?.Lap(StepTimings.Phase.Backward);

        // Step
        optimizer.Step();
        optimizer.ZeroGrad();
        timings?.Lap(StepTimings.Phase.Step);

        // Teacher EMA
        ema.Update(schedule.TeacherMomentum);
        timings?.Lap(StepTimings.Phase.Ema);
        if (timings is not null) timings.Steps++;

        return new IBotLossParts(
            parts.Total.detach().MoveToOuterDisposeScope(),
            parts.Cls.detach().MoveToOuterDisposeScope(),
            parts.Patch.detach().MoveToOuterDisposeScope());
    }

    /// <summary>Forward and backward of the shards on their threads (one shard: the whole batch on
    /// the caller's); leaves the summed gradients in the student's parameters, updates the centers
    /// from the whole batch and returns the loss.</summary>
    private IBotLossParts RunShards(Tensor globals, Tensor masks, Tensor? locals, long images, int shards, int epoch, StepTimings? timings)
    {
        var device = globals.device;
        // Stochastic depth for the whole batch, in the order one forward pass takes it: globals, then locals.
        using var globalDraws = student.Backbone.DrawStochasticDepth(globals.shape[0], device);
        using var localDraws = locals is null ? null : student.Backbone.DrawStochasticDepth(locals.shape[0], device);
        var results = new ShardResult[shards];
        var threads = get_num_threads();
        workers ??= new ShardWorkers(Shards - 1);
        try
        {
            workers.Run(shards, k =>
            {
                set_num_threads(threadsPerShard);
                var start = images * k / shards;
                var count = images * (k + 1) / shards - start;
                results[k] = shards == 1
                    ? RunShard(globals, masks, locals, globalDraws, localDraws, epoch, 1.0)
                    : RunShard(globals, masks, locals, globalDraws, localDraws, images, start, count, epoch);
            });
        }
        finally
        {
            set_num_threads(threads);
        }

        try
        {
            // Gradients and losses summed in shard order, so the step is deterministic.
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
            var total = SumInOrder(results.Select(r => r.Total));
            var cls = SumInOrder(results.Select(r => r.Cls));
            var patch = SumInOrder(results.Select(r => r.Patch));
            using var globalRows = globals.shape[0].ToScalar();
            var clsMean = SumInOrder(results.Select(r => r.TeacherClsSum)).div(globalRows);
            var patchMean = SumInOrder(results.Select(r => r.TeacherPatchMean));
            loss.UpdateCentersFromMeans(clsMean, patchMean);
            timings?.LapForwardBackward(results.Average(r => r.ForwardSeconds / Math.Max(r.ForwardSeconds + r.BackwardSeconds, 1e-9)));
            return new IBotLossParts(total, cls, patch);
        }
        finally
        {
            // Each thread disposes what it created, so per-thread tensor accounting stays exact.
            workers.Run(shards, k => results[k]?.Dispose());
        }
    }

    /// <summary>One shard: images [start, start + count) of every crop.</summary>
    private ShardResult RunShard(Tensor globals, Tensor masks, Tensor? locals, StochasticDepthDraws? globalDraws,
        StochasticDepthDraws? localDraws, long images, long start, long count, int epoch)
    {
        using var scope = NewDisposeScope();
        var globalRows = ShardRows(globals.shape[0] / images, images, start, count, globals.device);
        using var shardGlobalDraws = globalDraws?.Select(globalRows);
        Tensor? localRows = locals is null ? null : ShardRows(locals.shape[0] / images, images, start, count, locals.device);
        using var shardLocalDraws = localRows is null ? null : localDraws?.Select(localRows);
        return RunShard(globals.index_select(0, globalRows), masks.index_select(0, globalRows),
            localRows is null ? null : locals!.index_select(0, localRows), shardGlobalDraws, shardLocalDraws, epoch, (double)count / images);
    }

    /// <summary>Forward and backward of the images given. The loss is weighted by their
    /// <paramref name="share"/> of the batch, so the shards' losses and gradients add up to the
    /// whole batch's.</summary>
    private ShardResult RunShard(Tensor globals, Tensor masks, Tensor? locals, StochasticDepthDraws? globalDraws,
        StochasticDepthDraws? localDraws, int epoch, double share)
    {
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        // Heads project only what the loss reads: [CLS], masked patches and (teacher) the patch mean.
        TeacherHeadOutput teacherOut;
        using (no_grad()) teacherOut = teacher.ForwardTeacher(globals, masks);
        var studentOut = student.ForwardMasked(globals, masks, globalDraws);
        var studentLocalCls = locals is null ? null : student.ForwardCls(locals, localDraws); // (L·b, K)
        var parts = loss.Compute(studentOut.Cls, studentOut.Patches!, studentLocalCls,
            teacherOut.Cls, teacherOut.MaskedPatches, masks, epoch);
        using var shareScalar = share.ToScalar();
        var total = share == 1.0 ? parts.Total : parts.Total.mul(shareScalar);
        var forward = watch.Elapsed.TotalSeconds;
        var gradients = autograd.grad([total], trainable, allow_unused: true)
            .Select(g => g is null || g.IsInvalid ? null : g.DetachFromDisposeScope()).ToArray();
        return new ShardResult(
            total.detach().DetachFromDisposeScope(),
            parts.Cls.detach().mul(shareScalar).DetachFromDisposeScope(),
            parts.Patch.detach().mul(shareScalar).DetachFromDisposeScope(),
            teacherOut.Cls.sum(0, keepdim: true).DetachFromDisposeScope(),
            teacherOut.PatchMean.mul(shareScalar).DetachFromDisposeScope(),
            gradients, forward, watch.Elapsed.TotalSeconds - forward);
    }

    /// <summary>A new tensor holding the values' sum, added in order.</summary>
    private static Tensor SumInOrder(IEnumerable<Tensor> values)
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

    private sealed record ShardResult(Tensor Total, Tensor Cls, Tensor Patch, Tensor TeacherClsSum, Tensor TeacherPatchMean,
        Tensor?[] Gradients, double ForwardSeconds, double BackwardSeconds) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in new[] { Total, Cls, Patch, TeacherClsSum, TeacherPatchMean }.Concat(Gradients)) t?.Dispose();
        }
    }
}

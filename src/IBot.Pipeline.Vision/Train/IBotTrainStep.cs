using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// One iBOT optimisation step, in the reference's order: schedules, teacher and student
/// forward, loss, backward, per-parameter clipping, last-layer freezing, AdamW, teacher EMA.
/// Returns the loss parts as detached device scalars; nothing is read back to the host, so the
/// caller decides when to synchronise (at its log interval).
/// </summary>
public sealed class IBotTrainStep
{
    private readonly IBotNetwork student;
    private readonly IBotNetwork teacher;
    private readonly IBotLoss loss;
    private readonly AdamW optimizer;
    private readonly TeacherEma ema;
    private readonly StepOptions options;
    private readonly (string Name, TorchSharp.Modules.Parameter Parameter)[] studentParameters;

    public IBotTrainStep(IBotNetwork student, IBotNetwork teacher, IBotLoss loss, AdamW optimizer, StepOptions options)
    {
        this.student = student;
        this.teacher = teacher;
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        ema = new TeacherEma(student, teacher);
        studentParameters = student.named_parameters().ToArray();
        foreach (var (_, p) in teacher.named_parameters()) p.requires_grad = false;
    }

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
        // Heads project only what the loss reads: [CLS], masked patches and (teacher) the patch mean.
        TeacherHeadOutput teacherOut;
        using (no_grad()) teacherOut = teacher.ForwardTeacher(globals, masks);
        var studentOut = student.ForwardMasked(globals, masks);
        var studentLocalCls = batch.LocalCrops.Count > 0
            ? student.ForwardCls(cat(batch.LocalCrops.ToArray(), 0))         // (L·B, K)
            : null;

        // Losses (also updates the centers)
        var parts = loss.ForwardSelected(studentOut.Cls, studentOut.Patches!, studentLocalCls,
            teacherOut.Cls, teacherOut.MaskedPatches, teacherOut.PatchMean, masks, schedule.Epoch);

        timings?.Lap(StepTimings.Phase.Forward);

        // Backward, clipping and freezing
        optimizer.ZeroGrad();
        parts.Total.backward();
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
}

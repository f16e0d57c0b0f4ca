using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runtime;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// The live objects of a training run built from a plan: student and teacher (the teacher a
/// copy of the student without mask embedding, its head's gain frozen, its last layer shared
/// unless <c>shared_teacher: false</c>, see <see cref="TeacherInit"/>), loss, optimiser,
/// step, loader and per-iteration schedules. Shared by runs and benchmarks.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    public TrainingSession(TrainingPlan plan, Action<string>? report = null)
    {
        var s = plan.Settings;
        HostMemory.Tune();
        manual_seed(plan.Seed);
        Vit = plan.Backbone.ToOptions(plan.Crops.Global.Size);
        var headOptions = plan.Head.ToOptions(Vit.EmbedDim);
        Student = new IBotNetwork(Vit with { MaskedImageModeling = plan.Masks is not null }, headOptions);
        Teacher = new IBotNetwork(Vit with { MaskedImageModeling = false, DropPathRate = 0 },
            headOptions with { NormLastLayer = true, SharedHead = plan.Head.SharedTeacher });
        TeacherInit.FromStudent(Student, Teacher);
        Student.to(plan.Device);
        Teacher.to(plan.Device);
        var patchTemp = plan.Loss.TeacherPatchTemp ?? plan.Loss.TeacherTemp;
        Loss = new IBotLoss(new IBotLossOptions(
            headOptions.OutDim, headOptions.EffectivePatchOutDim, plan.Crops.Global.Count, plan.Crops.Local.Count,
            plan.Loss.TeacherTemp.Start, plan.Loss.TeacherTemp.End, patchTemp.Start, patchTemp.End,
            Math.Min(plan.Loss.TeacherTemp.WarmupEpochs, s.Epochs), s.Epochs,
            plan.Loss.StudentTemp, plan.Loss.CenterMomentum, plan.Loss.CenterMomentum,
            plan.Loss.LambdaCls, plan.Loss.LambdaPatch, plan.Masks?.Options.StartEpoch ?? 0), plan.Device);
        Optimizer = new AdamW(ParameterGroups.Build(Student));
        Step = new IBotTrainStep(Student, Teacher, Loss, Optimizer, new StepOptions(s.ClipGrad, s.FreezeLastLayer, s.Shards));
        Loader = new MultiCropLoader(plan.TrainData, new MultiCropAugmentation(plan.Crops), plan.Masks, Vit.PatchSize,
            new LoaderOptions(s.BatchSize, s.Workers, Seed: plan.Seed), report);
        IterationsPerEpoch = Loader.BatchesPerEpoch;
        LearningRate = Schedules.LearningRate(s.Lr, s.BatchSize, s.MinLr, s.Epochs, IterationsPerEpoch, s.WarmupEpochs);
        WeightDecay = Schedules.Cosine(s.WeightDecayStart, s.WeightDecayEnd, s.Epochs, IterationsPerEpoch);
        Momentum = Schedules.TeacherMomentum(s.TeacherMomentum, s.Epochs, IterationsPerEpoch);
    }

    public VitOptions Vit { get; }
    public IBotNetwork Student { get; }
    public IBotNetwork Teacher { get; }
    public IBotLoss Loss { get; }
    public AdamW Optimizer { get; }
    public IBotTrainStep Step { get; }
    public MultiCropLoader Loader { get; }
    public int IterationsPerEpoch { get; }
    public double[] LearningRate { get; }
    public double[] WeightDecay { get; }
    public double[] Momentum { get; }

    public StepSchedule Schedule(int epoch, long globalIteration) =>
        new(epoch, LearningRate[globalIteration], WeightDecay[globalIteration], Momentum[globalIteration]);

    public void Dispose()
    {
        Step.Dispose();
        Optimizer.Dispose();
        Loss.Dispose();
        Teacher.Dispose();
        Student.Dispose();
    }
}

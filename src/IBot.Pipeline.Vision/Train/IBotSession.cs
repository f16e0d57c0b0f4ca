using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Data.Loading;
using IBot.Pipeline.Vision.Methods;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Runtime;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// The live objects of an iBOT training run, built from a run's components through their
/// contracts: student and teacher (two builds of the backbone, each with a head; the teacher
/// starts as a copy of the student, without mask embedding, its head's gain frozen, see
/// <see cref="TeacherInit"/>), the
/// objectives, optimiser, step, loader (masks at the backbone's grid) and per-iteration
/// schedules. Shared by the method and the benchmarks.
/// </summary>
public sealed class IBotSession : IDisposable
{
    public IBotSession(RunComponents components, IBotMethodOptions options, long seed, Device device, Action<string>? report = null)
    {
        HostMemory.Tune();
        Options = options;
        Device = device;
        var augmentation = (components.Augmentation ?? throw new InvalidDataException("the ibot method needs an 'augmentation' section")).As<IAugmentation>();
        Crops = augmentation.Layout;
        var masking = components.Masking?.As<IMaskGenerator>();
        var backbone = (components.Backbone ?? throw new InvalidDataException("the ibot method needs a 'backbone'")).As<IBackboneFactory>();
        if (components.Heads.Count != 1)
            throw new InvalidDataException($"the ibot method trains one projection head; 'heads' has {components.Heads.Count}");
        var head = components.Heads.Values.Single().As<IHeadFactory>();
        var data = components.TrainData ?? throw new InvalidDataException("the ibot method needs 'data.train'");

        // The same draws as always: student backbone, student head, teacher backbone, teacher head.
        manual_seed(seed);
        var studentBackbone = backbone.Create(new BackboneBuild(Crops.GlobalSize, MaskedImageModeling: masking is not null, StochasticDepth: true));
        Student = new IBotNetwork(studentBackbone, head.Create(studentBackbone.EmbedDim, teacher: false));
        Teacher = new IBotNetwork(backbone.Create(new BackboneBuild(Crops.GlobalSize, MaskedImageModeling: false, StochasticDepth: false)),
            head.Create(studentBackbone.EmbedDim, teacher: true));
        TeacherInit.FromStudent(Student, Teacher);
        Student.to(device);
        Teacher.to(device);

        MaskGrid = studentBackbone.OutputGrid(Crops.GlobalSize, Crops.GlobalSize);
        var setup = new ObjectiveSetup(options.Epochs, Crops, studentBackbone.EmbedDim, Student.Head.OutDim, Student.Head.PatchOutDim,
            masking?.StartEpoch ?? 0, device);
        Objectives = components.Objectives.Select(o => new StepObjective(o.Name, o.Weight, o.Component.As<IObjectiveFactory>().Create(setup))).ToList();
        CheckInputs(components, Objectives, Crops);
        Optimizer = new AdamW(ParameterGroups.Build(Student));
        Step = new IBotTrainStep(Student, Teacher, Objectives, Optimizer, new StepOptions(options.ClipGrad, options.FreezeLastLayer, options.Shards, options.Precision));
        Loader = new MultiCropLoader(data, augmentation, masking, MaskGrid,
            new LoaderOptions(options.BatchSize, options.Workers, Seed: seed), report);
        IterationsPerEpoch = Loader.BatchesPerEpoch;
        var o = options.Optimizer;
        LearningRate = Schedules.LearningRate(o.Lr, options.BatchSize, o.MinLr, options.Epochs, IterationsPerEpoch, o.WarmupEpochs);
        WeightDecay = Schedules.Cosine(o.WeightDecayStart, o.WeightDecayEnd, options.Epochs, IterationsPerEpoch);
        Momentum = Schedules.TeacherMomentum(options.TeacherMomentum, options.Epochs, IterationsPerEpoch);
    }

    public IBotMethodOptions Options { get; }
    public Device Device { get; }
    public CropLayout Crops { get; }
    public (int Height, int Width) MaskGrid { get; }
    public IBotNetwork Student { get; }
    public IBotNetwork Teacher { get; }
    public IReadOnlyList<StepObjective> Objectives { get; }
    public AdamW Optimizer { get; }
    public IBotTrainStep Step { get; }
    public MultiCropLoader Loader { get; }
    public int IterationsPerEpoch { get; }
    public double[] LearningRate { get; }
    public double[] WeightDecay { get; }
    public double[] Momentum { get; }

    public StepSchedule Schedule(int epoch, long globalIteration) =>
        new(epoch, LearningRate[globalIteration], WeightDecay[globalIteration], Momentum[globalIteration]);

    /// <summary>Every objective reads only outputs this method provides (a batch-coupled one only per-image rows).</summary>
    private static void CheckInputs(RunComponents components, IReadOnlyList<StepObjective> objectives, CropLayout crops)
    {
        for (var i = 0; i < objectives.Count; i++)
        {
            var o = objectives[i].Objective;
            var section = components.Objectives[i].Component.Section;
            var provided = o.Scope == ObjectiveScope.Batch ? IBotTrainStep.BatchReadableOutputs : NetworkOutputs.Names.All;
            foreach (var input in o.Inputs)
            {
                if (!provided.Contains(input))
                    throw new InvalidDataException($"{section}: reads '{input}', which the ibot method does not provide{(o.Scope == ObjectiveScope.Batch ? " to an objective that couples the batch" : "")} (provided: {string.Join(", ", provided)})");
                if (input == NetworkOutputs.Names.StudentLocalCls && crops.LocalCount == 0)
                    throw new InvalidDataException($"{section}: reads '{input}', but the augmentation makes no local crops");
            }
        }
    }

    public void Dispose()
    {
        Step.Dispose();
        Optimizer.Dispose();
        foreach (var o in Objectives) o.Objective.Dispose();
        Teacher.Dispose();
        Student.Dispose();
    }
}

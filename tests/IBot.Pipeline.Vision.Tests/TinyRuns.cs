using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions.Runtime;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;
using IBot.Pipeline.Vision.Data.Sources;
using IBot.Pipeline.Vision.Methods;

namespace IBot.Pipeline.Vision.Tests;

/// <summary>The components of a tiny iBOT run on synthetic images, built as the engine builds them.</summary>
internal static class TinyRuns
{
    public static IBotMethodOptions Options(double lr = 5e-4, int epochs = 2, Precision precision = Precision.Fp32) => new()
    {
        Epochs = epochs, BatchSize = 8, Precision = precision,
        Optimizer = new OptimizerSection { Lr = lr, MinLr = 1e-6, WarmupEpochs = 1, WeightDecay = [0.04, 0.4] },
        TeacherMomentum = 0.996, ClipGrad = 3.0, FreezeLastLayer = 1, LogEvery = 1, CheckpointEvery = 1, Workers = 2,
    };

    public static (IBotMethod Method, RunComponents Components) Components(double lr = 5e-4, int epochs = 2, IReadOnlyList<PlannedObjective>? extra = null,
        HeadSpec? headSpec = null, Precision precision = Precision.Fp32)
    {
        var options = Options(lr, epochs, precision);
        var method = new IBotMethod(options);
        var crops = new MultiCropOptions(new CropSpec(2, 16, 0.4, 1.0), new CropSpec(2, 8, 0.1, 0.4));
        var vit = new VitSpec { PatchSize = 4, EmbedDim = 32, Depth = 1, NumHeads = 2, DropPath = 0.1 };
        var head = headSpec ?? new HeadSpec { OutDim = 64, HiddenDim = 64, BottleneckDim = 16, Shared = true };
        var loss = new IBotLossSpec { Head = "ibot", TeacherTemp = new TemperatureSpec { WarmupEpochs = 1 } };
        var knn = new KnnSpec { K = [5] };
        return (method, new RunComponents
        {
            Method = new PlannedComponent("train", "ibot", method, options),
            TrainData = new SyntheticSource(32, 4, 24, 24, seed: 1),
            EvalTrainData = new SyntheticSource(40, 4, 24, 24, seed: 2),
            EvalTestData = new SyntheticSource(20, 4, 24, 24, seed: 3),
            Augmentation = new PlannedComponent("augmentation", "multi_crop", new MultiCropAugmentation(crops), crops),
            Masking = new PlannedComponent("masking", "block", new MaskGenerator(MaskOptions.Paper), MaskOptions.Paper),
            Backbone = new PlannedComponent("backbone", "vit", new VitBackbone(vit), vit),
            Heads = new Dictionary<string, PlannedComponent> { ["ibot"] = new("heads.ibot", "ibot_head", new IBotHeadFactory(head), head) },
            Objectives = [new PlannedObjective("ibot_loss", 1.0, new PlannedComponent("objectives[0]", "ibot_loss", new IBotLossObjective(loss), loss)), .. extra ?? []],
            Evaluators = [new PlannedEvaluator("knn", "knn", new KnnEvaluator(knn), 0, EvaluatedNetwork.Teacher, knn)],
        });
    }
}

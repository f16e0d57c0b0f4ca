using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Tests;

/// <summary>Small networks for fast tests.</summary>
internal static class TinyModels
{
    public static VitOptions Vit(bool masked = true) =>
        new(ImgSize: 16, PatchSize: 4, EmbedDim: 32, Depth: 2, NumHeads: 4, MaskedImageModeling: masked);

    public static HeadOptions Head(bool shared = true) =>
        new(InDim: 32, OutDim: 48, PatchOutDim: shared ? null : 40, NLayers: 3, HiddenDim: 64, BottleneckDim: 16, NormLastLayer: false, SharedHead: shared);
}

/// <summary>An iBOT loss from the reference's hyper-parameters (its argument names), as the parity vectors give
/// them: the bound options plus the run's shape.</summary>
internal static class TestLosses
{
    public static IBot.Pipeline.Vision.Loss.IBotLoss Create(
        int OutDim, int PatchOutDim, int GlobalCrops, int LocalCrops,
        double WarmupTeacherTemp, double TeacherTemp, double WarmupTeacherPatchTemp, double TeacherPatchTemp,
        int WarmupTeacherTempEpochs, int Epochs, double StudentTemp = 0.1, double CenterMomentum = 0.9, double? CenterMomentum2 = null,
        double Lambda1 = 1.0, double Lambda2 = 1.0, int MimStartEpoch = 0)
    {
        var spec = new IBot.Pipeline.Vision.Components.IBotLossSpec
        {
            Head = "ibot", LambdaCls = Lambda1, LambdaPatch = Lambda2, StudentTemp = StudentTemp,
            CenterMomentum = CenterMomentum, CenterMomentum2 = CenterMomentum2,
            TeacherTemp = new IBot.Pipeline.Vision.Components.TemperatureSpec { Start = WarmupTeacherTemp, End = TeacherTemp, WarmupEpochs = WarmupTeacherTempEpochs },
            TeacherPatchTemp = new IBot.Pipeline.Vision.Components.TemperatureSpec { Start = WarmupTeacherPatchTemp, End = TeacherPatchTemp, WarmupEpochs = WarmupTeacherTempEpochs },
        };
        var setup = new IBot.Pipeline.Vision.Abstractions.Objectives.ObjectiveSetup(Epochs, new CropLayout(GlobalCrops, 0, LocalCrops, 0),
            0, OutDim, PatchOutDim, MimStartEpoch, TorchSharp.torch.CPU);
        return new IBot.Pipeline.Vision.Loss.IBotLoss(spec, setup);
    }

    /// <summary>The loss as the step's only objective, weight 1.</summary>
    public static IReadOnlyList<IBot.Pipeline.Vision.Train.StepObjective> Only(IBot.Pipeline.Vision.Loss.IBotLoss loss) =>
        [new("ibot_loss", 1.0, loss)];
}

using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>One batch of multi-crop views: each crop (B, 3, H, W), one mask (B, h, w) per global crop.</summary>
public sealed record TrainBatch(IReadOnlyList<Tensor> GlobalCrops, IReadOnlyList<Tensor> LocalCrops, IReadOnlyList<Tensor> Masks) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in GlobalCrops.Concat(LocalCrops).Concat(Masks)) t.Dispose();
    }
}

/// <summary>This iteration's scheduled values.</summary>
public readonly record struct StepSchedule(int Epoch, double LearningRate, double WeightDecay, double TeacherMomentum);

/// <summary>Gradient handling of the step.</summary>
/// <param name="ClipGrad">Per-parameter gradient-norm clip; 3.0 in the paper, 0 turns it off.</param>
/// <param name="FreezeLastLayerEpochs">Epochs the head's last layer stays frozen; 1 in the paper.</param>
public sealed record StepOptions(double ClipGrad = 3.0, int FreezeLastLayerEpochs = 1);

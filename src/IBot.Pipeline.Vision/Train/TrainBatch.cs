using IBot.Pipeline.Vision.Abstractions.Runtime;
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

/// <summary>Gradient handling and execution of the step.</summary>
/// <param name="ClipGrad">Per-parameter gradient-norm clip; 3.0 in the paper, 0 turns it off.</param>
/// <param name="FreezeLastLayerEpochs">Epochs the head's last layer stays frozen; 1 in the paper.</param>
/// <param name="Shards">Data-parallel shards of each batch, each on its own thread: 0 = automatic
/// (on the CPU one per libtorch thread, elsewhere 1), 1 = the whole batch on one thread.</param>
/// <param name="Precision">The forward passes' arithmetic (<see cref="Autocast"/>); fp16 scales the loss
/// (<see cref="LossScaler"/>).</param>
public sealed record StepOptions(double ClipGrad = 3.0, int FreezeLastLayerEpochs = 1, int Shards = 0, Precision Precision = Precision.Fp32)
{
    public void Validate()
    {
        if (ClipGrad < 0) throw new ArgumentException("clip_grad must be 0 (off) or positive");
        if (Shards < 0) throw new ArgumentException("shards must be 0 (automatic) or positive");
    }
}

using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Train;

public sealed class TrainStepMemoryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Live_tensor_count_stays_flat_over_twenty_steps(int shards)
    {
        manual_seed(0);
        var vit = TinyModels.Vit();
        var head = TinyModels.Head();
        using var student = new IBotNetwork(vit with { DropPathRate = 0.1 }, head);
        using var teacher = new IBotNetwork(vit with { MaskedImageModeling = false }, head);
        using var loss = TestLosses.Create(head.OutDim, head.EffectivePatchOutDim, 2, 2, 0.04, 0.07, 0.04, 0.07, 2, 5);
        using var optimizer = new AdamW(ParameterGroups.Build(student));
        using var step = new IBotTrainStep(student, teacher, TestLosses.Only(loss), optimizer, new StepOptions(3.0, 1, shards));
        student.train();

        var counts = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            using (var scope = NewDisposeScope())
            {
                var batch = new TrainBatch(
                    [randn(2, 3, 16, 16), randn(2, 3, 16, 16)],
                    [randn(2, 3, 8, 8), randn(2, 3, 8, 8)],
                    [rand(2, 4, 4).lt(0.3), rand(2, 4, 4).lt(0.3)]);
                using var parts = step.Run(batch, new StepSchedule(1, 1e-3, 0.04, 0.996));
                Assert.True(float.IsFinite(parts.Total.item<float>()));
            }
            counts.Add(step.LiveTensorsByThread().Sum());
        }
        // The first step creates the optimiser state (epoch 1: the last layer is not frozen);
        // after it nothing may accumulate.
        Assert.All(counts.Skip(1), c => Assert.Equal(counts[1], c));
    }
}

using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using IBot.Pipeline.Vision.Tests.Parity;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Train;

/// <summary>
/// The CPU's data-parallel step (the batch split into shards trained on their own threads) must
/// compute what the whole batch on one thread computes: the same losses, centers and parameters,
/// with stochastic depth on, local crops and uneven shards.
/// </summary>
public sealed class ShardedStepTests
{
    [Theory]
    [InlineData(2, 6)]
    [InlineData(3, 5)]
    public void Sharded_steps_match_the_whole_batch_on_one_thread(int shards, int batchSize)
    {
        var whole = Train(1, batchSize, seed: 4);
        var sharded = Train(shards, batchSize, seed: 4);
        for (var s = 0; s < whole.Losses.Count; s++)
            AssertClose(whole.Losses[s], sharded.Losses[s], 1e-5, $"step {s} losses");
        Golden.AssertClose(sharded.Center, whole.Center, 1e-5, "center");
        Golden.AssertClose(sharded.Center2, whole.Center2, 1e-5, "center2");
        foreach (var (name, p) in whole.Student)
        {
            // The key third of qkv.bias has an exactly zero true gradient (attention is invariant to
            // it), so AdamW turns its rounding noise into full-size updates in any implementation.
            if (name.EndsWith("attn.qkv.bias", StringComparison.Ordinal))
            {
                var d = p.shape[0] / 3;
                Golden.AssertClose(cat([sharded.Student[name].narrow(0, 0, d), sharded.Student[name].narrow(0, 2 * d, d)]), cat([p.narrow(0, 0, d), p.narrow(0, 2 * d, d)]), 1e-5, $"student {name} (q and v)");
                continue;
            }
            Golden.AssertClose(sharded.Student[name], p, 1e-5, $"student {name}");
        }

        // Stochastic depth is drawn in every step: another seed gives other losses.
        var other = Train(shards, batchSize, seed: 5, steps: 1);
        Assert.True(Math.Abs(other.Losses[0][0] - whole.Losses[0][0]) > 1e-4, "the seed changed nothing; stochastic depth was not exercised");
    }

    private static (List<float[]> Losses, Tensor Center, Tensor Center2, Dictionary<string, Tensor> Student) Train(int shards, int batchSize, int seed, int steps = 3)
    {
        manual_seed(0);
        var vit = TinyModels.Vit() with { Depth = 3, DropPathRate = 0.3 };
        var head = TinyModels.Head(shared: false);
        using var student = new IBotNetwork(vit, head);
        using var teacher = new IBotNetwork(vit with { MaskedImageModeling = false, DropPathRate = 0 }, head with { NormLastLayer = true });
        StateDicts.Load(teacher, StateDicts.Export(student).Where(kv => kv.Key != "backbone.masked_embed").ToDictionary());
        using var loss = TestLosses.Create(head.OutDim, head.EffectivePatchOutDim, 2, 3, 0.04, 0.07, 0.04, 0.07, 2, 5);
        using var optimizer = new AdamW(ParameterGroups.Build(student));
        using var step = new IBotTrainStep(student, teacher, TestLosses.Only(loss), optimizer, new StepOptions(3.0, 0, shards));
        student.train();
        manual_seed(1);
        var batches = Enumerable.Range(0, steps).Select(_ => new TrainBatch(
            [randn(batchSize, 3, 16, 16), randn(batchSize, 3, 16, 16)],
            [randn(batchSize, 3, 8, 8), randn(batchSize, 3, 8, 8), randn(batchSize, 3, 8, 8)],
            [rand(batchSize, 4, 4).lt(0.4), rand(batchSize, 4, 4).lt(0.4)])).ToList();

        manual_seed(seed);
        var losses = new List<float[]>();
        foreach (var batch in batches)
        {
            using var parts = step.Run(batch, new StepSchedule(1, 1e-3, 0.04, 0.99));
            losses.Add([parts.Total.item<float>(), parts["loss_ibot_loss_cls"].item<float>(), parts["loss_ibot_loss_patch"].item<float>()]);
            batch.Dispose();
        }
        return (losses, loss.Center.clone(), loss.Center2.clone(),
            student.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone()));
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1e-12);
            Assert.True(error <= tolerance, $"{what}[{i}]: {actual[i]} vs {expected[i]} (relative {error:E2})");
        }
    }
}

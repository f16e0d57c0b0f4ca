using IBot.Pipeline.Vision.Eval;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class LinearProbeTests
{
    private const int Classes = 4;

    /// <summary>Gaussian clusters around random class means: (features, labels); random labels when asked.</summary>
    private static (Tensor X, Tensor Y) Clusters(int n, long seed, Tensor means, bool randomLabels = false)
    {
        var generator = new Generator((ulong)seed);
        var y = randint(0, Classes, [n], generator: generator);
        var x = means.index_select(0, y).add(randn([n, means.shape[1]], generator: generator));
        return (x, randomLabels ? randint(0, Classes, [n], generator: generator) : y);
    }

    private static IEnumerable<Func<(Tensor, Tensor)>> Batches(Tensor x, Tensor y, int epoch, int batch = 32)
    {
        var order = randperm(x.shape[0], generator: new Generator((ulong)epoch));
        for (long s = 0; s < x.shape[0]; s += batch)
        {
            var start = s;
            yield return () =>
            {
                var rows = order.narrow(0, start, Math.Min(batch, x.shape[0] - start));
                return (x.index_select(0, rows), y.index_select(0, rows));
            };
        }
    }

    private static LinearProbeHistory Train(bool randomLabels, double[] lrs)
    {
        using var scope = NewDisposeScope();
        var means = randn([Classes, 16], generator: new Generator(7)).mul(3);
        var (trainX, trainY) = Clusters(400, 1, means, randomLabels);
        var (testX, testY) = Clusters(400, 2, means, randomLabels);
        var settings = new LinearProbeSettings(10, lrs, lrs.Select(_ => 0.0).ToArray(), 0.9, Seed: 0);
        return LinearProbe.Train(settings, 16, Classes, e => Batches(trainX, trainY, e), testX, testY, _ => { }, CancellationToken.None);
    }

    [Fact]
    public void Separable_features_are_learnt_and_the_sweep_reports_the_learning_rate_that_learns()
    {
        var history = Train(randomLabels: false, [1e-7, 0.1]);
        var (epoch, head) = history.Best();
        Assert.Equal(1, head);
        Assert.True(history.Top1[epoch][head] > 95, $"top-1 {history.Top1[epoch][head]}");
        Assert.True(history.Top1[^1][0] < 60, $"lr 1e-7 should barely move from its initialisation: {history.Top1[^1][0]}");
        Assert.Equal(100, history.Top5[epoch][head]); // 4 classes: top-5 is every class
        Assert.True(history.Loss[^1][head] < history.Loss[0][head]);
    }

    [Fact]
    public void Random_labels_stay_at_chance()
    {
        var history = Train(randomLabels: true, [0.01, 0.1]);
        var (epoch, head) = history.Best();
        // Chance is 25 %; the best of 2 heads x 10 epochs on 400 test images stays well below 40 %.
        Assert.InRange(history.Top1[epoch][head], 10, 40);
    }

    [Fact]
    public void Classifiers_trained_side_by_side_equal_one_trained_alone()
    {
        using var scope = NewDisposeScope();
        var x = randn([64, 8], generator: new Generator(3));
        var y = randint(0, 3, [64], generator: new Generator(4));
        using var pair = new LinearClassifierBank(2, 8, 3, new Generator(5));
        using var alone = new LinearClassifierBank(1, 8, 3, new Generator(6));
        using (no_grad())
        {
            alone.Weight.copy_(pair.Weight.narrow(0, 1, 1));
            alone.Bias.copy_(pair.Bias.narrow(0, 1, 1));
        }
        using var pairSgd = new BankSgd(pair, [0.5, 0.05], [0.0, 1e-3], 0.9);
        using var aloneSgd = new BankSgd(alone, [0.05], [1e-3], 0.9);
        for (var step = 0; step < 5; step++)
        {
            var factor = 0.5 * (1 + Math.Cos(Math.PI * step / 5));
            foreach (var (bank, sgd) in new[] { (pair, pairSgd), (alone, aloneSgd) })
            {
                var logits = bank.call(x);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, 3), y.repeat(bank.Heads), reduction: nn.Reduction.Sum).div(64);
                sgd.ZeroGrad();
                loss.backward();
                sgd.Step(factor);
            }
        }
        Assert.True(pair.Weight.narrow(0, 1, 1).allclose(alone.Weight, rtol: 1e-5, atol: 1e-7));
        Assert.True(pair.Bias.narrow(0, 1, 1).allclose(alone.Bias, rtol: 1e-5, atol: 1e-7));
        Assert.False(pair.Weight[0].allclose(pair.Weight[1]));
    }

    [Fact]
    public void Each_head_follows_torch_sgd_with_momentum_and_weight_decay()
    {
        using var scope = NewDisposeScope();
        var x = randn([32, 6], generator: new Generator(8));
        var y = randint(0, 5, [32], generator: new Generator(9));
        using var bank = new LinearClassifierBank(1, 6, 5, new Generator(10));
        using var reference = nn.Linear(6, 5);
        using (no_grad())
        {
            reference.weight!.copy_(bank.Weight[0]);
            reference.bias!.copy_(bank.Bias[0]);
        }
        using var sgd = new BankSgd(bank, [0.3], [0.01], 0.9);
        var torchSgd = optim.SGD(reference.parameters(), 0.3, momentum: 0.9, weight_decay: 0.01);
        for (var step = 0; step < 6; step++)
        {
            var loss = nn.functional.cross_entropy(bank.call(x)[0], y);
            sgd.ZeroGrad();
            loss.backward();
            sgd.Step(1.0);
            var expected = nn.functional.cross_entropy(reference.call(x), y);
            torchSgd.zero_grad();
            expected.backward();
            torchSgd.step();
        }
        Assert.True(bank.Weight[0].allclose(reference.weight!, rtol: 1e-5, atol: 1e-7));
        Assert.True(bank.Bias[0].allclose(reference.bias!, rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void Classifiers_start_as_the_reference_normal_with_std_one_hundredth_and_zero_bias()
    {
        using var bank = new LinearClassifierBank(4, 256, 100, new Generator(1));
        var std = bank.Weight.std().item<float>();
        Assert.InRange(std, 0.0099, 0.0101);
        Assert.Equal(0f, bank.Bias.abs().max().item<float>());
    }
}

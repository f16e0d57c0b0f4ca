using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Tests.Parity;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Models;

/// <summary>
/// The student's loss paths compute only the rows the loss reads (the last block's projection and
/// MLP, the final norm and the head on [CLS] and masked patches). They must give the same outputs
/// and the same gradients as the full forward followed by selection, stochastic depth included.
/// </summary>
public sealed class SelectedRowsTests
{
    private const double Tolerance = 1e-5;

    private static void AssertClose(Tensor expected, Tensor actual, string what) => Golden.AssertClose(actual, expected, Tolerance, what);

    private static IBotNetwork Student(int depth) =>
        new(TinyModels.Vit() with { Depth = depth, DropPathRate = 0.5 }, TinyModels.Head(shared: false));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Masked_forward_and_gradients_equal_the_full_forward_then_selection(int depth)
    {
        manual_seed(11);
        using var net = Student(depth);
        net.train();
        using var images = randn(6, 3, 16, 16);
        using var masks = rand(6, 4, 4).lt(0.4);
        masks[1].fill_(false); // an image with nothing masked
        using var weights = randn(masks.sum().item<long>(), 40);

        manual_seed(5);
        var (fullCls, fullPatches, fullGrads) = Run(() =>
        {
            var o = net.Forward(images, masks);
            return (o.Cls, o.Patches!.masked_select(masks.reshape(6, -1).unsqueeze(-1)).view(-1, 40));
        });
        manual_seed(5);
        var (cls, patches, grads) = Run(() =>
        {
            var o = net.ForwardMasked(images, masks);
            return (o.Cls, o.MaskedPatches);
        });

        AssertClose(fullCls, cls, "[CLS] output");
        AssertClose(fullPatches, patches, "masked patch outputs");
        foreach (var (name, g) in fullGrads) AssertClose(g, grads[name], $"gradient of {name}");

        // The draw matters: without it (eval mode) the outputs differ, so the test saw dropped branches.
        // (Depth 1 has none: the stochastic depth rule gives the first block rate 0.)
        if (depth == 1) return;
        net.eval();
        using var noDrop = net.ForwardMasked(images, masks);
        Assert.True(noDrop.Cls.sub(cls).abs().max().item<float>() > 1e-3f, "stochastic depth dropped no branch; the test proves nothing");

        (Tensor Cls, Tensor Patches, Dictionary<string, Tensor> Grads) Run(Func<(Tensor Cls, Tensor Patches)> forward)
        {
            net.zero_grad();
            var (c, p) = forward();
            // Gradients reach every selected row: weight the patch rows, sum the [CLS] rows.
            using (var loss = (p * weights).sum() + c.sum())
                loss.backward();
            var g = net.named_parameters().Where(x => x.parameter.grad is not null)
                .ToDictionary(x => x.name, x => x.parameter.grad!.clone());
            return (c.detach(), p.detach(), g);
        }
    }

    [Fact]
    public void Cls_forward_equals_the_full_forward_in_training_mode()
    {
        manual_seed(3);
        using var net = Student(2);
        net.train();
        using var images = randn(8, 3, 8, 8); // local-crop size: the position embedding is resized
        manual_seed(9);
        using var full = net.Forward(images, null);
        manual_seed(9);
        var (cls, backboneCls) = net.ForwardCls(images);
        AssertClose(full.Cls, cls, "[CLS] output");
        manual_seed(9);
        using var tokens = net.Backbone.Forward(images);
        AssertClose(tokens.select(1, 0), backboneCls, "backbone [CLS] token");
    }
}

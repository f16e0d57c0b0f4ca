using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

[Trait("Category", "Parity")]
public sealed class HeadParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("head_separate.safetensors")]
    [InlineData("head_shared.safetensors")]
    public void Cls_patch_and_2d_outputs_match(string file)
    {
        using var golden = Golden.Load(file);
        var c = Golden.Config(golden);
        Assert.Equal("gelu", c.GetProperty("act").GetString());
        var options = new HeadOptions(
            InDim: c.Int("in_dim"),
            OutDim: c.Int("out_dim"),
            PatchOutDim: c.Int("patch_out_dim"),
            NLayers: c.Int("nlayers"),
            HiddenDim: c.Int("hidden_dim"),
            BottleneckDim: c.Int("bottleneck_dim"),
            NormLastLayer: c.Bool("norm_last_layer"),
            SharedHead: c.Bool("shared_head"));
        using var head = new IBotHead(options);
        var weights = golden.WithPrefix("model.");
        StateDicts.Load(head, weights);
        Assert.Equal(weights.Keys.Order(), StateDicts.Export(head).Keys.Order());

        using var _ = no_grad();
        var tokens = golden["input.tokens"];
        using var output = head.call(tokens);
        Golden.AssertClose(output.Cls, golden["output.cls"], Tolerance, "cls");
        Golden.AssertClose(output.Patches!, golden["output.patch"], Tolerance, "patch");

        using var fromCls = head.call(tokens.select(1, 0));
        Assert.Null(fromCls.Patches);
        Golden.AssertClose(fromCls.Cls, golden["output.cls_from_2d"], Tolerance, "cls_from_2d");
    }
}

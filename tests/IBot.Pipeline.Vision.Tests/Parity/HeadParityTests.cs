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

    [Theory]
    [InlineData("head_separate.safetensors")]
    [InlineData("head_shared.safetensors")]
    public void Selected_outputs_match_the_reference_rows_and_patch_mean(string file)
    {
        using var golden = Golden.Load(file);
        var c = Golden.Config(golden);
        using var head = new IBotHead(new HeadOptions(c.Int("in_dim"), c.Int("out_dim"), c.Int("patch_out_dim"), c.Int("nlayers"),
            c.Int("hidden_dim"), c.Int("bottleneck_dim"), c.Bool("norm_last_layer"), c.Bool("shared_head")));
        StateDicts.Load(head, golden.WithPrefix("model."));

        using var _ = no_grad();
        var tokens = golden["input.tokens"];                                    // (B, 1 + P, D)
        var expectedPatch = golden["output.patch"];                             // (B, P, K2)
        var generator = new TorchSharp.torch.Generator(7);
        var mask = rand([tokens.shape[0], tokens.shape[1] - 1], generator: generator).lt(0.4); // (B, P)
        var expectedMasked = expectedPatch.masked_select(mask.unsqueeze(-1)).view(-1, expectedPatch.shape[2]);

        using var teacher = head.ForwardTeacher(tokens, mask);
        Golden.AssertClose(teacher.Cls, golden["output.cls"], Tolerance, "teacher cls");
        Golden.AssertClose(teacher.MaskedPatches, expectedMasked, Tolerance, "teacher masked patches");
        Golden.AssertClose(teacher.PatchMean, expectedPatch.mean([0, 1]).unsqueeze(0), Tolerance, "teacher patch mean");

        using var student = head.ForwardSelected(tokens, mask);
        Golden.AssertClose(student.Cls, golden["output.cls"], Tolerance, "student cls");
        Golden.AssertClose(student.Patches!, expectedMasked, Tolerance, "student masked patches");
    }
}

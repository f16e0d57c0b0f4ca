using IBot.Pipeline.Vision.Tests.Parity;
using IBot.Plugins.Swin;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Swin;

/// <summary>Checkpoints move both ways under the reference's names: parameters only, every one
/// required; the reference's derived buffers and unused classifier skipped.</summary>
public sealed class SwinStateDictTests
{
    [Fact]
    public void State_dict_holds_the_reference_parameter_names_and_no_buffers()
    {
        using var swin = new SwinTransformer(TinySwin.Options());
        var names = swin.state_dict().Keys.ToHashSet();
        foreach (var name in new[]
        {
            "patch_embed.proj.weight", "patch_embed.proj.bias", "patch_embed.norm.weight", "patch_embed.norm.bias",
            "layers.0.blocks.0.norm1.weight", "layers.0.blocks.0.attn.qkv.weight", "layers.0.blocks.0.attn.qkv.bias",
            "layers.0.blocks.0.attn.proj.weight", "layers.0.blocks.0.attn.relative_position_bias_table",
            "layers.0.blocks.1.mlp.fc1.weight", "layers.0.blocks.1.mlp.fc2.bias", "layers.0.blocks.1.norm2.bias",
            "layers.0.downsample.norm.weight", "layers.0.downsample.reduction.weight",
            "layers.1.blocks.1.attn.relative_position_bias_table", "norm.weight", "norm.bias", "masked_embed",
        })
            Assert.Contains(name, names);
        Assert.DoesNotContain("layers.0.downsample.reduction.bias", names);
        Assert.DoesNotContain("layers.1.downsample.norm.weight", names);
        Assert.Equal(swin.parameters().Count(), names.Count);
        // The reference's buffers (relative position index, attention masks) are derived, not held.
        Assert.Empty(swin.buffers());
    }

    [Fact]
    public void Round_trip_reproduces_the_network_and_skips_derived_entries()
    {
        manual_seed(1);
        using var source = new SwinTransformer(TinySwin.Options());
        manual_seed(2);
        using var target = new SwinTransformer(TinySwin.Options());
        var exported = SwinStateDict.Export(source);
        // What a reference checkpoint also holds: index buffers and the never-used classifier.
        exported["layers.0.blocks.0.attn.relative_position_index"] = zeros(49 * 49, dtype: ScalarType.Int64);
        exported["layers.0.blocks.1.attn_mask"] = zeros(16, 16, 16);
        exported["head.weight"] = zeros(1000, 32);
        exported["head.bias"] = zeros(1000);
        SwinStateDict.Load(target, exported);

        foreach (var (name, tensor) in source.state_dict())
            Golden.AssertClose(target.state_dict()[name], tensor, 0.0, name);
        source.eval();
        target.eval();
        using var _ = no_grad();
        using var images = randn(2, 3, 32, 32);
        using var mask = rand(2, 8, 8).lt(0.5);
        Golden.AssertClose(target.Forward(images, mask), source.Forward(images, mask), 0.0, "tokens after the round trip");
        foreach (var t in exported.Values) t.Dispose();
    }

    [Fact]
    public void Loading_requires_every_parameter_and_rejects_unknown_entries()
    {
        using var swin = new SwinTransformer(TinySwin.Options());
        var state = SwinStateDict.Export(swin);
        var missing = new Dictionary<string, Tensor>(state);
        missing.Remove("layers.1.blocks.0.attn.relative_position_bias_table");
        var error = Assert.Throws<InvalidDataException>(() => SwinStateDict.Load(swin, missing));
        Assert.Contains("layers.1.blocks.0.attn.relative_position_bias_table", error.Message);

        var extra = new Dictionary<string, Tensor>(state) { ["layers.0.blocks.0.attn.unknown"] = zeros(1) };
        error = Assert.Throws<InvalidDataException>(() => SwinStateDict.Load(swin, extra));
        Assert.Contains("layers.0.blocks.0.attn.unknown", error.Message);

        var teacher = new Dictionary<string, Tensor>(state);
        teacher.Remove("masked_embed");
        error = Assert.Throws<InvalidDataException>(() => SwinStateDict.Load(swin, teacher));
        Assert.Contains("masked_embed", error.Message);
        foreach (var t in state.Values) t.Dispose();
    }
}

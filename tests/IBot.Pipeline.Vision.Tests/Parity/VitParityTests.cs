using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

[Trait("Category", "Parity")]
public sealed class VitParityTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly SafeTensorsFile golden = Golden.Load("vit.safetensors");
    private readonly VisionTransformer vit;

    public VitParityTests()
    {
        var c = Golden.Config(golden);
        var options = new VitOptions(
            ImgSize: c.Int("img_size"),
            PatchSize: c.Int("patch_size"),
            EmbedDim: c.Int("embed_dim"),
            Depth: c.Int("depth"),
            NumHeads: c.Int("num_heads"),
            MlpRatio: c.Double("mlp_ratio"),
            QkvBias: c.Bool("qkv_bias"),
            MaskedImageModeling: golden.Tensors.ContainsKey("model.masked_embed"),
            LayerNormEps: c.Double("layernorm_eps"));
        vit = new VisionTransformer(options);
        StateDicts.Load(vit, golden.WithPrefix("model."));
        vit.eval();
    }

    [Fact]
    public void Global_crop_tokens_match()
    {
        using var _ = no_grad();
        using var tokens = vit.Forward(golden["input.global"], null);
        Golden.AssertClose(tokens, golden["output.tokens_global"], Tolerance, "tokens_global");
    }

    [Fact]
    public void Masked_global_crop_tokens_match()
    {
        using var _ = no_grad();
        using var tokens = vit.Forward(golden["input.global"], golden["input.mask"]);
        Golden.AssertClose(tokens, golden["output.tokens_masked"], Tolerance, "tokens_masked");
    }

    [Fact]
    public void Local_crop_tokens_match_with_the_resized_position_embedding()
    {
        using var _ = no_grad();
        using var tokens = vit.Forward(golden["input.local"], null);
        Golden.AssertClose(tokens, golden["output.tokens_local"], Tolerance, "tokens_local");
    }

    [Fact]
    public void Last_block_attention_matches()
    {
        using var _ = no_grad();
        using var attention = vit.LastSelfAttention(golden["input.global"]);
        Golden.AssertClose(attention, golden["output.last_attention"], Tolerance, "last_attention");
    }

    [Fact]
    public void Parameter_names_are_the_reference_names()
    {
        var ours = vit.state_dict().Keys.ToHashSet();
        var reference = golden.WithPrefix("model.").Keys.ToHashSet();
        Assert.Equal(reference.Order(), ours.Order());
    }

    public void Dispose()
    {
        vit.Dispose();
        golden.Dispose();
    }
}

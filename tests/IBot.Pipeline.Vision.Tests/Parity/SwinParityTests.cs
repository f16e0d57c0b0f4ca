using IBot.Pipeline.Vision.Checkpoints;
using IBot.Plugins.Swin;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>The Swin backbone plugin against the reference's <c>forward(x, return_all_tokens=True)</c>
/// (swin.safetensors), with and without a final-grid mask; every size and option from the metadata.</summary>
[Trait("Category", "Parity")]
public sealed class SwinParityTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly SafeTensorsFile golden = Golden.Load("swin.safetensors");
    private readonly SwinTransformer swin;
    private readonly ITestOutputHelper output;

    public SwinParityTests(ITestOutputHelper output)
    {
        this.output = output;
        var c = Golden.Config(golden);
        var options = new SwinOptions
        {
            ImgSize = c.Int("img_size"),
            PatchSize = c.Int("patch_size"),
            InChans = (int)golden["input.images"].shape[1],
            EmbedDim = c.Int("embed_dim"),
            Depths = c.GetProperty("depths").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            NumHeads = c.GetProperty("num_heads").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            WindowSize = c.Int("window_size"),
            MlpRatio = c.Double("mlp_ratio"),
            QkvBias = c.Bool("qkv_bias"),
            LayerNormEps = c.Double("norm_eps"),
            Ape = c.Bool("ape"),
            PatchNorm = c.Bool("patch_norm"),
            MaskedImageModeling = golden.Tensors.ContainsKey("state.masked_embed"),
        };
        swin = new SwinTransformer(options);
        SwinStateDict.Load(swin, golden.WithPrefix("state."));
        swin.eval();
    }

    [Fact]
    public void Output_grid_and_width_are_the_references()
    {
        var c = Golden.Config(golden);
        var images = golden["input.images"];
        var (h, w) = swin.OutputGrid((int)images.shape[2], (int)images.shape[3]);
        Assert.Equal((c.Int("final_grid"), c.Int("final_grid")), (h, w));
        Assert.Equal(golden["output.tokens"].shape, new long[] { c.Int("batch"), 1 + h * w, swin.EmbedDim });
    }

    [Fact]
    public void Tokens_match()
    {
        using var _ = no_grad();
        using var tokens = swin.Forward(golden["input.images"], null);
        AssertClose(tokens, "output.tokens");
    }

    [Fact]
    public void Masked_tokens_match()
    {
        using var _ = no_grad();
        using var tokens = swin.Forward(golden["input.images"], golden["input.mask"]);
        AssertClose(tokens, "output.tokens_masked");
    }

    [Fact]
    public void Parameter_names_are_the_reference_names()
    {
        var ours = swin.state_dict().Keys.Order().ToArray();
        var reference = golden.WithPrefix("state.").Keys.Where(k => !SwinStateDict.IsIgnored(k)).Order().ToArray();
        Assert.Equal(reference, ours);
    }

    private void AssertClose(Tensor ours, string name)
    {
        output.WriteLine($"{name}: relative error {Golden.RelativeError(ours, golden[name]):E3}");
        Golden.AssertClose(ours, golden[name], Tolerance, name);
    }

    public void Dispose()
    {
        swin.Dispose();
        golden.Dispose();
    }
}

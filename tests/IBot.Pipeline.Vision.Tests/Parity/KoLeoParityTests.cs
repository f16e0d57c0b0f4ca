using System.Text.Json;
using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Plugins.KoLeo;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>
/// The KoLeo objective plugin against DINOv2's own <c>KoLeoLoss</c> (tests/golden/dinov2/koleo.safetensors,
/// made by make_koleo.py from a dinov2 checkout): the loss summed over the global crops, each crop's
/// term, and the gradient with respect to the features. Sizes from the metadata; the directory is
/// <c>IBOT_GOLDEN_DINOV2</c>, else tests/golden/dinov2.
/// </summary>
[Trait("Category", "Parity")]
public sealed class KoLeoParityTests
{
    private static string Vectors()
    {
        var env = Environment.GetEnvironmentVariable("IBOT_GOLDEN_DINOV2");
        var dir = !string.IsNullOrWhiteSpace(env) ? env : Path.Combine(Golden.RepositoryRoot, "tests", "golden", "dinov2");
        return Path.Combine(dir, "koleo.safetensors");
    }

    [Fact]
    public void Loss_per_crop_terms_and_gradient_match_dinov2()
    {
        using var golden = SafeTensors.Load(Vectors());
        var c = JsonDocument.Parse(golden.Metadata["config"]).RootElement;
        var crops = c.GetProperty("global_crops").GetInt32();
        var features = golden["input.features"].clone().requires_grad_();
        Assert.Equal(crops * c.GetProperty("batch").GetInt64(), features.shape[0]);

        using var loss = new KoLeoLoss(new KoLeoOptions { Eps = c.GetProperty("eps").GetDouble() });
        var outputs = new NetworkOutputs(new Dictionary<string, Tensor> { [NetworkOutputs.Names.StudentBackboneCls] = features },
            epoch: 0, globalCrops: crops, localCrops: 0, images: features.shape[0] / crops);
        using var terms = loss.Compute(outputs);
        terms.Loss.backward();

        Golden.AssertClose(terms.Loss.reshape(1), golden["output.loss"], 1e-5, "loss");
        var perCrop = stack(features.detach().chunk(crops, 0).Select(loss.Term).ToArray());
        Golden.AssertClose(perCrop, golden["output.loss_per_crop"], 1e-5, "loss per crop");
        Golden.AssertClose(features.grad!, golden["output.grad_features"], 1e-4, "gradient");
    }

    [Fact]
    public void A_crop_of_one_image_has_no_neighbour_and_is_refused()
    {
        using var loss = new KoLeoLoss(new KoLeoOptions());
        Assert.Throws<ArgumentException>(() => loss.Term(randn(1, 8)));
    }
}

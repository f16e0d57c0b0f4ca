using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Tests.Parity;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Models;

/// <summary>
/// The faster formulations of the model's building blocks must compute what the plain ones do:
/// Linear layers on token tensors through one addmm, and the teacher's head MLP in row chunks.
/// </summary>
public sealed class FusedPathsTests
{
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dense_equals_the_linear_layer_on_token_tensors_with_the_same_gradients(bool bias)
    {
        manual_seed(3);
        using var layer = nn.Linear(8, 12, hasBias: bias);
        using var x = randn(3, 5, 8);
        using var weights = randn(3, 5, 12);

        var (expected, expectedGrads) = Run(() => layer.call(x.requires_grad_(true)));
        var (actual, actualGrads) = Run(() => Dense.Apply(layer, x.requires_grad_(true)));

        Assert.Equal(expected.shape, actual.shape);
        Golden.AssertClose(actual, expected, Tolerance, "output");
        Assert.Equal(expectedGrads.Count, actualGrads.Count);
        for (var i = 0; i < expectedGrads.Count; i++)
            Golden.AssertClose(actualGrads[i], expectedGrads[i], Tolerance, $"gradient {i}");

        (Tensor Output, List<Tensor> Grads) Run(Func<Tensor> forward)
        {
            layer.zero_grad();
            x.grad?.zero_();
            var y = forward();
            y.mul(weights).sum().backward();
            var grads = new List<Tensor> { x.grad!.clone(), layer.weight!.grad!.clone() };
            if (layer.bias is { } b) grads.Add(b.grad!.clone());
            return (y.detach(), grads);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Teacher_head_in_row_chunks_equals_the_head_on_all_tokens(bool shared)
    {
        manual_seed(8);
        using var head = new IBotHead(TinyModels.Head(shared));
        using var tokens = randn(5, 17, 32);
        using var masks = rand(5, 16).lt(0.4);
        using var _ = no_grad();

        using var whole = head.ForwardTeacher(tokens, masks, chunkRows: long.MaxValue);
        // 85 tokens in chunks of 7 (the last one short) and of one token each.
        foreach (var chunk in new long[] { 7, 1 })
        {
            using var chunked = head.ForwardTeacher(tokens, masks, chunkRows: chunk);
            Golden.AssertClose(chunked.Cls, whole.Cls, Tolerance, $"[CLS] logits, chunks of {chunk}");
            Golden.AssertClose(chunked.MaskedPatches, whole.MaskedPatches, Tolerance, $"masked patch logits, chunks of {chunk}");
            Golden.AssertClose(chunked.PatchMean, whole.PatchMean, Tolerance, $"patch mean, chunks of {chunk}");
        }

        // And both equal the reference's form: the full head on every token, then selection and mean.
        using var full = head.call(tokens);
        Golden.AssertClose(whole.Cls, full.Cls, Tolerance, "[CLS] logits against the full head");
        Golden.AssertClose(whole.MaskedPatches, full.Patches!.masked_select(masks.unsqueeze(-1)).view(-1, full.Patches.shape[2]), Tolerance, "masked patch logits against the full head");
        Golden.AssertClose(whole.PatchMean, full.Patches.mean([0, 1]).unsqueeze(0), 1e-5, "patch mean against the full head");
    }

    [Fact]
    public void Teacher_head_rejects_an_empty_chunk()
    {
        using var head = new IBotHead(TinyModels.Head());
        using var tokens = randn(2, 17, 32);
        using var masks = zeros(2, 16, dtype: ScalarType.Bool);
        Assert.Throws<ArgumentOutOfRangeException>(() => head.ForwardTeacher(tokens, masks, chunkRows: 0));
    }
}

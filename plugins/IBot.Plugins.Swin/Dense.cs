using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// A Linear layer on inputs of any rank through one fused <c>addmm</c> on the rows flattened to
/// 2-D (as the host's ViT does): TorchSharp's linear fuses the bias only for 2-D inputs, and on
/// (B, N, D) tokens runs a matmul, then a separate pass for the bias.
/// </summary>
internal static class Dense
{
    public static Tensor Apply(Linear layer, Tensor x)
    {
        if (x.dim() == 2 || layer.bias is not { } bias) return layer.call(x);
        var shape = x.shape;
        using var rows = x.reshape(-1, shape[^1]);
        using var weightT = layer.weight!.t();
        using var y = addmm(bias, rows, weightT, 1, 1);
        shape[^1] = y.shape[1];
        return y.view(shape);
    }
}

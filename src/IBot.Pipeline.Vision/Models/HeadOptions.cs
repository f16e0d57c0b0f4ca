namespace IBot.Pipeline.Vision.Models;

/// <summary>iBOT projection head hyper-parameters (reference names in brackets).</summary>
/// <param name="InDim">Backbone width.</param>
/// <param name="OutDim">[CLS] prototypes [out_dim]; 8192 in the paper.</param>
/// <param name="PatchOutDim">Patch prototypes [patch_out_dim]; ignored when the last layer is shared (then OutDim), as in the reference.</param>
/// <param name="NLayers">MLP layers before the bottleneck [nlayers]; 3 in the paper.</param>
/// <param name="HiddenDim">MLP hidden width [hidden_dim]; 2048.</param>
/// <param name="BottleneckDim">Width fed to the weight-normalised last layer [bottleneck_dim]; 256.</param>
/// <param name="NormLastLayer">Freeze weight_g at 1 [norm_last_layer]; the paper trains ViT-S with false, the teacher uses true.</param>
/// <param name="SharedHead">One last layer for [CLS] and patches [shared_head]; the paper's default is true.</param>
public sealed record HeadOptions(
    int InDim,
    int OutDim = 8192,
    int? PatchOutDim = null,
    int NLayers = 3,
    int HiddenDim = 2048,
    int BottleneckDim = 256,
    bool NormLastLayer = true,
    bool SharedHead = true)
{
    public int EffectivePatchOutDim => SharedHead ? OutDim : PatchOutDim ?? OutDim;

    public void Validate()
    {
        if (NLayers < 1) throw new ArgumentException("the head needs at least one layer");
        if (BottleneckDim <= 0) throw new ArgumentException("bottleneck_dim must be positive (the weight-normalised last layer needs it)");
    }
}

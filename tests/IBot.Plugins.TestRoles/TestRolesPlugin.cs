using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions;

namespace IBot.Plugins.TestRoles;

/// <summary>A component in every role.</summary>
public sealed class TestRolesPlugin : IPlugin
{
    public string Name => "test-roles";

    public void Register(IComponentRegistry r)
    {
        r.AddDataSource<CheckerboardOptions, Checkerboards>("checkerboards", "Checkerboards labelled by square size.");
        r.AddAugmentation<CropViewsOptions, CropViews>("crop_views", "Random square crops, two global and one local.");
        r.AddMasking<StripesOptions, Stripes>("stripes", "Every n-th row of the grid.");
        r.AddBackbone<PatchMlpOptions, PatchMlpBackbone>("patch_mlp", "Patch embedding and one token MLP.");
        r.AddHead<LinearHeadOptions, LinearHeadFactory>("linear_head", "One linear map for [CLS] and patches.");
        r.AddObjective<ClsMseOptions, ClsMseObjective>("cls_mse", "Squared difference of student and teacher [CLS] distributions.");
        r.AddEvaluator<FeatureNormOptions, FeatureNorm>("feature_norm", "Mean L2 norm of the test features.");
        r.AddMethod<EmbedOnceOptions, EmbedOnce>("embed_once", "Embeds one batch with the backbone; reports the tokens' mean norm.");
    }
}

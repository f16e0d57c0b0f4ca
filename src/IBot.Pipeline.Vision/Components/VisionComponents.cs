using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Methods;

namespace IBot.Pipeline.Vision.Components;

/// <summary>
/// The built-in components, registered exactly as a plugin registers its own: every kind a spec can
/// name without plugins. The engine loads this plugin first, from the ibot assembly itself.
/// </summary>
public sealed class VisionComponents : IPlugin
{
    public string Name => "built-in";

    public void Register(IComponentRegistry r)
    {
        r.AddDataSource<ImageFolderOptions, DataSourceComponent>("image_folder", "A folder per class, any image format ImageSharp decodes (torchvision ImageFolder order).");
        r.AddDataSource<IdxOptions, DataSourceComponent>("idx", "MNIST / Fashion-MNIST idx files; Debian's dataset-fashion-mnist by default.");
        r.AddDataSource<SyntheticOptions, DataSourceComponent>("synthetic", "Procedural labelled gratings, for tests and benchmarks.");
        r.AddDataSource<FashionMnistSampleOptions, DataSourceComponent>("fashion_mnist_sample", "The Fashion-MNIST slice shipped inside ibot (5,000 train / 1,000 test).");
        r.AddAugmentation<MultiCropSpec, MultiCropAugmentation>("multi_crop", "The paper's multi-crop views: flip, colour jitter, grayscale, blur, solarization.");
        r.AddMasking<MaskSpec, BlockMasking>("block", "BEiT block-wise patch masks (the paper's choice).");
        r.AddMasking<MaskSpec, RandomMasking>("random", "Uniformly random patch masks.");
        r.AddBackbone<VitSpec, VitBackbone>("vit", "Vision Transformer (reference DINO/iBOT variant), presets tiny/small/base/large.");
        r.AddHead<HeadSpec, IBotHeadFactory>("ibot_head", "iBOT projection head: MLP, L2 norm, weight-normalised last layer(s).");
        r.AddObjective<IBotLossSpec, IBotLossObjective>("ibot_loss", "[CLS] and masked-patch self-distillation with centering and sharpening.");
        r.AddEvaluator<KnnSpec, KnnEvaluator>("knn", "Weighted k-NN on frozen [CLS] features (k = 20, T = 0.07).");
        r.AddEvaluator<AttentionMapsSpec, AttentionMapsEvaluator>("attention_maps", "PNG figures of where the backbone looks (a ViT's last-block [CLS] attention per head), as in the paper.");
        r.AddEvaluator<ClusteringSpec, ClusteringEvaluator>("clustering", "NMI, ARI, FMI and Hungarian-matched accuracy of the head's argmax clusters.");
        r.AddEvaluator<LinearSpec, LinearEvaluator>("linear", "Linear probe on frozen features of the last blocks, a learning-rate sweep trained side by side (SGD, cosine).");
        r.AddEvaluator<FineTuneSpec, FineTuneEvaluator>("finetune", "Fine-tuning a copy of the backbone with layer-wise lr decay, AdamW, drop path, warm-up and cosine.");
        r.AddMethod<IBotMethodOptions, IBotMethod>("ibot", "The paper's student-teacher training: masked image modelling with self-distillation, EMA teacher, AdamW.");
        r.AddMethod<EvaluationMethodOptions, EvaluationMethod>("evaluate", "Evaluation of pretrained weights (a spec without 'train'): every evaluator once on backbone.weights.");
    }
}

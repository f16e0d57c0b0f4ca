using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Data.Augmentation;
using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Components;

/// <summary>Holds a component's options for the trainer, which builds the networks itself
/// (student and teacher from one backbone spec, on the run's device).</summary>
public sealed class OptionsComponent<T>(T options) where T : class
{
    public T Options { get; } = options;
}

public sealed class BlockMasking(MaskSpec spec)
{
    public MaskGenerator Generator { get; } = new(spec.ToOptions(MaskShape.Block));
}

public sealed class RandomMasking(MaskSpec spec)
{
    public MaskGenerator Generator { get; } = new(spec.ToOptions(MaskShape.Random));
}

/// <summary>The built-in components: every kind a spec can name without plugins.</summary>
public static class VisionComponents
{
    public static void Register(IComponentRegistry r)
    {
        r.Add<ImageFolderOptions, DataSourceComponent>(ComponentRole.Data, "image_folder", "A folder per class, any image format ImageSharp decodes (torchvision ImageFolder order).");
        r.Add<IdxOptions, DataSourceComponent>(ComponentRole.Data, "idx", "MNIST / Fashion-MNIST idx files; Debian's dataset-fashion-mnist by default.");
        r.Add<SyntheticOptions, DataSourceComponent>(ComponentRole.Data, "synthetic", "Procedural labelled gratings, for tests and benchmarks.");
        r.Add<FashionMnistSampleOptions, DataSourceComponent>(ComponentRole.Data, "fashion_mnist_sample", "The Fashion-MNIST slice shipped inside ibot (5,000 train / 1,000 test).");
        r.Add<MultiCropSpec, MultiCropAugmentation>(ComponentRole.Augmentation, "multi_crop", "The paper's multi-crop views: flip, colour jitter, grayscale, blur, solarization.");
        r.Add<MaskSpec, BlockMasking>(ComponentRole.Masking, "block", "BEiT block-wise patch masks (the paper's choice).");
        r.Add<MaskSpec, RandomMasking>(ComponentRole.Masking, "random", "Uniformly random patch masks.");
        r.Add<VitSpec, OptionsComponent<VitSpec>>(ComponentRole.Backbone, "vit", "Vision Transformer (reference DINO/iBOT variant), presets tiny/small/base/large.");
        r.Add<HeadSpec, OptionsComponent<HeadSpec>>(ComponentRole.Head, "ibot_head", "iBOT projection head: MLP, L2 norm, weight-normalised last layer(s).");
        r.Add<IBotLossSpec, OptionsComponent<IBotLossSpec>>(ComponentRole.Objective, "ibot_loss", "[CLS] and masked-patch self-distillation with centering and sharpening.");
        r.Add<KnnSpec, KnnEvaluator>(ComponentRole.Evaluator, "knn", "Weighted k-NN on frozen [CLS] features (k = 20, T = 0.07).");
        r.Add<AttentionMapsSpec, AttentionMapsEvaluator>(ComponentRole.Evaluator, "attention_maps", "PNG figures of the last block's [CLS] attention per head, as in the paper.");
        r.Add<ClusteringSpec, ClusteringEvaluator>(ComponentRole.Evaluator, "clustering", "NMI, ARI, FMI and Hungarian-matched accuracy of the head's argmax clusters.");
        r.Add<LinearSpec, LinearEvaluator>(ComponentRole.Evaluator, "linear", "Linear probe on frozen features of the last blocks, a learning-rate sweep trained side by side (SGD, cosine).");
        r.Add<FineTuneSpec, FineTuneEvaluator>(ComponentRole.Evaluator, "finetune", "Fine-tuning a copy of the backbone with layer-wise lr decay, AdamW, drop path, warm-up and cosine.");
    }
}

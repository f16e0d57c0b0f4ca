namespace IBot.Pipeline.Abstractions.Components;

// What options expose so the engine can check a spec as a whole before anything is built.

/// <summary>Backbone options: the patch size every crop size must be a multiple of.</summary>
public interface IPatchGeometry
{
    int PatchSize { get; }
}

/// <summary>Augmentation options: the crop sizes it produces, global crops first.</summary>
public interface ICropGeometry
{
    IReadOnlyList<int> GlobalCropSizes { get; }

    IReadOnlyList<int> LocalCropSizes { get; }
}

/// <summary>Objective options that read a head by name (an entry of <c>heads</c>).</summary>
public interface IHeadReference
{
    string Head { get; }
}

/// <summary>Evaluator options: how often it runs during training (epochs; 0 = at the end only).</summary>
public interface IPeriodicOptions
{
    int Every { get; }
}

/// <summary>Backbone options that can load pretrained weights (evaluation-only specs need them).</summary>
public interface IPretrainedWeights
{
    /// <summary>A run id, a training checkpoint, exported safetensors or a reference <c>.pth</c>.</summary>
    string? Weights { get; }

    /// <summary>Which network's backbone a training checkpoint's weights are taken from.</summary>
    EvaluatedNetwork Network { get; }

    /// <summary>The image side evaluation uses; 0 = the resolution the weights were trained at.</summary>
    int EvalSize { get; }
}

/// <summary>A training method's options: what the engine checks across sections before any work
/// (the sections the method needs are there, the batch divides over the GPUs a run asks for).</summary>
public interface ITrainingOptions
{
    int Epochs { get; }

    int BatchSize { get; }

    /// <summary>The spec sections the method cannot run without, as dotted paths (<c>data.train</c>,
    /// <c>augmentation</c>, <c>heads</c>, <c>objectives</c>…); each missing one is reported before any work.</summary>
    IReadOnlyList<string> RequiredSections { get; }
}

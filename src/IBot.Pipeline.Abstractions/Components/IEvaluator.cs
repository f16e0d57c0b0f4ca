using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Abstractions.Components;

/// <summary>Frozen-backbone features of a dataset, one row per image, in source order.</summary>
public interface IFeatureExtractor
{
    /// <summary>Width of a feature row.</summary>
    int Dimension { get; }

    float[][] Extract(IImageSource source, CancellationToken cancellationToken);
}

/// <summary>What an evaluator gets: features of the network under evaluation and the data.</summary>
public interface IEvaluationContext
{
    IFeatureExtractor Features { get; }

    IImageSource Train { get; }

    IImageSource Test { get; }

    /// <summary>Epoch just finished (the number of epochs trained).</summary>
    int Epoch { get; }

    /// <summary>The projection head's [CLS] outputs (logits over prototypes) per image, when the
    /// evaluated network has a head; null for a bare backbone.</summary>
    IFeatureExtractor? HeadLogits { get; }

    /// <summary>Folder for figures (PNG), created on demand.</summary>
    string FiguresFolder { get; }

    void Log(string message);
}

/// <summary>An evaluation protocol. Returns named metrics (e.g. <c>top1</c>); the engine prefixes
/// them with the evaluator's kind and records them with the checkpoint they measured.</summary>
public interface IEvaluator
{
    Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken);
}

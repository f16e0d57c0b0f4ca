namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>How an objective's value depends on the batch.</summary>
public enum ObjectiveScope
{
    /// <summary>A mean over images of per-image terms (the iBOT loss): a data-parallel step computes it
    /// per shard and weights each by its share of the batch.</summary>
    PerImage,

    /// <summary>It couples the images of a batch (KoLeo's nearest neighbours): computed once on the
    /// whole batch's outputs, whatever the number of shards, its gradient handed back to each shard.</summary>
    Batch,
}

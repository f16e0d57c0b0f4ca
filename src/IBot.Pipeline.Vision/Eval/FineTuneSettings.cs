namespace IBot.Pipeline.Vision.Eval;

/// <param name="Epochs">Passes over the labelled images.</param>
/// <param name="BatchSize">Images per step; the last incomplete batch of an epoch is dropped, as the reference's loader does.</param>
/// <param name="Lr">Peak learning rate (after warm-up), used as given.</param>
/// <param name="MinLr">End of the cosine schedule.</param>
/// <param name="WarmupEpochs">Linear warm-up from 0.</param>
/// <param name="WeightDecay">AdamW weight decay on the decayed groups.</param>
/// <param name="LayerDecay">Layer-wise learning-rate decay.</param>
/// <param name="LabelSmoothing">Cross-entropy label smoothing.</param>
/// <param name="EvalEvery">Epochs between test evaluations (the last epoch is always evaluated).</param>
/// <param name="Seed">Data order.</param>
public sealed record FineTuneSettings(int Epochs, int BatchSize, double Lr, double MinLr, int WarmupEpochs, double WeightDecay,
    double LayerDecay, double LabelSmoothing, int EvalEvery, long Seed);

using IBot.Pipeline.Abstractions.Data;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>What an objective is built for.</summary>
/// <param name="Epochs">Training epochs (the length of any per-epoch schedule).</param>
/// <param name="Crops">The views per image.</param>
/// <param name="EmbedDim">The backbone's token width.</param>
/// <param name="OutDim">The head's [CLS] prototypes (K).</param>
/// <param name="PatchOutDim">The head's patch prototypes (K₂).</param>
/// <param name="MaskStartEpoch">The first epoch with masks (the masking's start epoch; 0 without masking).</param>
/// <param name="Device">Where its state lives.</param>
public sealed record ObjectiveSetup(int Epochs, CropLayout Crops, int EmbedDim, int OutDim, int PatchOutDim, int MaskStartEpoch, Device Device);

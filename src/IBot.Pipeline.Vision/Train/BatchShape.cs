namespace IBot.Pipeline.Vision.Train;

/// <summary>A step's batch: crops per image, images, and the epoch (temperature schedules).</summary>
internal sealed record BatchShape(int GlobalCrops, int LocalCrops, long Images, int Epoch);

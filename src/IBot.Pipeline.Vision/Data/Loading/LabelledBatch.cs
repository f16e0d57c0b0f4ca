namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>A host batch of transformed images, (Count, 3, Size, Size) float32, with their labels.</summary>
public sealed record LabelledBatch(float[] Pixels, long[] Labels, int Count, int Size);

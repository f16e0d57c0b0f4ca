using IBot.Pipeline.Abstractions.Data;

namespace IBot.Pipeline.Vision.Abstractions.Evaluation;

/// <summary>How evaluation turns an image into the network's input: a square crop of side
/// <see cref="CropSize"/>, normalised, channel-first.</summary>
public interface IImageTransform
{
    int CropSize { get; }

    /// <summary>Writes (3, <see cref="CropSize"/>, <see cref="CropSize"/>) float32 into <paramref name="destination"/>.</summary>
    void Apply(RgbImage image, Span<float> destination);
}

namespace IBot.Pipeline.Abstractions.Data;

/// <summary>
/// The <c>augmentation</c> role: the views a training method takes of each image. The method
/// asks for <see cref="CropLayout.TotalCrops"/> views per image, global crops first, and
/// decides what each is for (the iBOT method shows global crops to the teacher and, masked,
/// to the student, local crops to the student only).
/// </summary>
public interface IAugmentation
{
    /// <summary>How many views of which sizes <see cref="Apply"/> writes.</summary>
    CropLayout Layout { get; }

    /// <summary>
    /// Writes every view of <paramref name="image"/>, normalised, channel-first (3, S, S) float32,
    /// into <paramref name="destinations"/>[view]. Every random draw must come from
    /// <paramref name="random"/> (the sample's own stream), so the views depend only on
    /// (seed, epoch, sample) and a resumed run replays them. Called from several threads at once.
    /// </summary>
    void Apply(RgbImage image, SampleRandom random, IReadOnlyList<Memory<float>> destinations);
}

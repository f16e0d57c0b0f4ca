namespace IBot.Pipeline.Abstractions.Data;

/// <summary>The square views an augmentation produces per image: <paramref name="GlobalCount"/>
/// global crops of side <paramref name="GlobalSize"/>, then <paramref name="LocalCount"/> local
/// crops of side <paramref name="LocalSize"/>.</summary>
public sealed record CropLayout(int GlobalCount, int GlobalSize, int LocalCount, int LocalSize)
{
    public int TotalCrops => GlobalCount + LocalCount;

    /// <summary>Side of view <paramref name="crop"/> (global crops first).</summary>
    public int SizeOf(int crop) => crop < GlobalCount ? GlobalSize : LocalSize;
}

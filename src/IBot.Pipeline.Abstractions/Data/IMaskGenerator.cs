namespace IBot.Pipeline.Abstractions.Data;

/// <summary>
/// The <c>masking</c> role: which positions of a global crop the student sees masked. Masks are
/// made at the grid the backbone reports for the crop (<c>IBackbone.OutputGrid</c>), so a
/// hierarchical backbone gets masks at its last stage's grid, as the reference makes them.
/// </summary>
public interface IMaskGenerator
{
    /// <summary>Epoch from which masks are drawn (before it every mask is empty); the objective's
    /// patch-temperature schedule starts there too (the reference's <c>pred_start_epoch</c>).</summary>
    int StartEpoch { get; }

    /// <summary>A mask of <paramref name="height"/> × <paramref name="width"/> positions, row-major,
    /// true = masked, drawn only from <paramref name="random"/>. Called from several threads at once.</summary>
    bool[] Generate(int height, int width, int epoch, SampleRandom random);
}

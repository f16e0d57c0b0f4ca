namespace IBot.Pipeline.Vision.Eval;

/// <summary>Test accuracy (percent) and mean training loss of every head after every epoch: [epoch][head].</summary>
public sealed record LinearProbeHistory(double[][] Top1, double[][] Top5, double[][] Loss)
{
    /// <summary>The reference's report: the best top-1 over heads and epochs (earliest epoch, then first head, on ties).</summary>
    public (int Epoch, int Head) Best()
    {
        var (epoch, head) = (0, 0);
        for (var e = 0; e < Top1.Length; e++)
            for (var h = 0; h < Top1[e].Length; h++)
                if (Top1[e][h] > Top1[epoch][head]) (epoch, head) = (e, h);
        return (epoch, head);
    }
}

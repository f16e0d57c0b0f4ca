using System.Text.Json;
using IBot.Pipeline.Vision.Data.Masking;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>Masked-patch count distributions against the reference generator's.</summary>
[Trait("Category", "Parity")]
public sealed class MaskParityTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        var n = Golden.Json("mask_stats.json").GetProperty("cases").GetArrayLength();
        for (var i = 0; i < n; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unmasked_fraction_and_histogram_match(int caseIndex)
    {
        var (c, stats) = Sample(caseIndex);
        Assert.True(Math.Abs(stats.Zero - c.Double("zero_fraction")) <= 0.03, $"unmasked fraction {stats.Zero:F3} vs {c.Double("zero_fraction"):F3}");
        Assert.True(stats.TotalVariation <= 0.1, $"total-variation distance {stats.TotalVariation:F3} > 0.1");
    }

    /// <summary>
    /// The mean criterion (within 0.5 patches) is only decidable where the reference's own
    /// sample pins its mean that closely: its standard error, std / √samples from the file,
    /// must be below the tolerance. Where it is not (the paper's 50 % unmasked mix gives
    /// std ≈ 43 over 4,000 samples, so ±0.68), the case is reported as skipped, not passed.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Mean_masked_count_matches(int caseIndex)
    {
        var (c, stats) = Sample(caseIndex);
        var referenceError = c.Double("std_masked") / Math.Sqrt(c.Int("samples"));
        Skip.If(referenceError >= 0.5,
            $"reference sample's standard error {referenceError:F3} is not below the 0.5-patch tolerance; ours {stats.Mean:F3} vs {c.Double("mean_masked"):F3}");
        Assert.True(Math.Abs(stats.Mean - c.Double("mean_masked")) <= 0.5, $"mean {stats.Mean:F3} vs {c.Double("mean_masked"):F3}");
    }

    private static (JsonElement Case, (double Mean, double Zero, double TotalVariation) Stats) Sample(int caseIndex)
    {
        var c = Golden.Json("mask_stats.json").GetProperty("cases")[caseIndex];
        var grid = c.Int("grid");
        var samples = Math.Max(4000, c.Int("samples"));
        var options = new MaskOptions(
            c.GetProperty("shape").GetString() == "block" ? MaskShape.Block : MaskShape.Random,
            Values(c.GetProperty("pred_ratio")),
            Values(c.GetProperty("pred_ratio_var")));
        var generator = new MaskGenerator(options);

        var histogram = new double[grid * grid + 1];
        double sum = 0;
        for (var s = 0; s < samples; s++)
        {
            var count = generator.Generate(grid, grid, epoch: 0, new SampleRandom(1234, 0, s)).Count(m => m);
            histogram[count]++;
            sum += count;
        }
        var reference = c.GetProperty("histogram").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var refTotal = reference.Sum();
        var tv = 0.5 * histogram.Select((h, i) => Math.Abs(h / samples - (i < reference.Length ? reference[i] / refTotal : 0))).Sum();
        var mean = sum / samples;
        var zero = histogram[0] / samples;

        return (c, (mean, zero, tv));
    }

    private static double[] Values(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [e.GetDouble()];
}

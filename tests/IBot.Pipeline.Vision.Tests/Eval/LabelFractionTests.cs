using IBot.Pipeline.Vision.Data.Labels;

namespace IBot.Pipeline.Vision.Tests.Eval;

public sealed class LabelFractionTests
{
    // Unbalanced on purpose: 200, 50 and 7 images, interleaved.
    private static readonly int[] Labels = Enumerable.Range(0, 257).Select(i => i < 21 ? i % 3 : i < 107 ? i % 2 : 0).ToArray();
    private static readonly LabelsOnly Source = new(Labels, 3);

    private static Dictionary<int, int> CountsByClass(int[] indices) => indices.GroupBy(i => Labels[i]).ToDictionary(g => g.Key, g => g.Count());

    [Theory]
    [InlineData("10%", 10.0, null)]
    [InlineData(" 1% ", 1.0, null)]
    [InlineData("100%", 100.0, null)]
    [InlineData("0.5%", 0.5, null)]
    [InlineData("13", null, 13)]
    public void Parses_percentages_and_counts_per_class(string text, double? percent, int? perClass)
    {
        Assert.True(LabelFraction.TryParse(text, out var f, out var error), error);
        Assert.Equal(percent, f.Percent);
        Assert.Equal(perClass, f.PerClass);
    }

    [Theory]
    [InlineData("0%", "percentage")]
    [InlineData("101%", "percentage")]
    [InlineData("0.1", "ambiguous: write a percentage ('10%')")]
    [InlineData("-3", "neither")]
    [InlineData("ten", "neither")]
    [InlineData("", "neither")]
    public void Rejects_what_is_not_a_fraction(string text, string message)
    {
        Assert.False(LabelFraction.TryParse(text, out _, out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_percentage_keeps_that_share_of_every_class_rounded_and_at_least_one()
    {
        var counts = Source.Classes.Select((_, c) => Labels.Count(l => l == c)).ToArray();
        var kept = LabelFraction.Parse("10%").Select(Source, seed: 0);
        var byClass = CountsByClass(kept);
        Assert.Equal([counts[0] / 10, counts[1] / 10, 1], [byClass[0], byClass[1], byClass[2]]); // 7 images: 0.7 rounds to 1
        Assert.Equal(kept.Length, kept.Distinct().Count());
        Assert.Equal(kept.Order(), kept);
        Assert.All(kept, i => Assert.InRange(i, 0, Labels.Length - 1));
    }

    [Fact]
    public void A_count_keeps_that_many_per_class_capped_at_the_class_size()
    {
        var byClass = CountsByClass(LabelFraction.Parse("9").Select(Source, seed: 3));
        Assert.Equal(9, byClass[0]);
        Assert.Equal(9, byClass[1]);
        Assert.Equal(7, byClass[2]);
    }

    [Fact]
    public void Selection_is_seeded_and_nested()
    {
        var tenA = LabelFraction.Parse("10%").Select(Source, seed: 1);
        var tenB = LabelFraction.Parse("10%").Select(Source, seed: 1);
        var tenOther = LabelFraction.Parse("10%").Select(Source, seed: 2);
        var one = LabelFraction.Parse("1%").Select(Source, seed: 1);
        Assert.Equal(tenA, tenB);
        Assert.NotEqual(tenA, tenOther);
        Assert.Subset(tenA.ToHashSet(), one.ToHashSet());
        Assert.Equal(Labels.Length, LabelFraction.All.Select(Source, seed: 1).Length);
    }
}

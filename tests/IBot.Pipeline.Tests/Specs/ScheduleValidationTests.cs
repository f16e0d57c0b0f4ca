using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Tests.Specs;

/// <summary>A spec's <c>schedule</c> is checked in bounded time: Quartz 4.7.3 reads 99 (and 98 in
/// the day fields) as its own codes for '*' and '?', so such numbers were accepted as wildcards,
/// and a range starting at 99 made its parser loop to the range's end.</summary>
public sealed class ScheduleValidationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-schedule-").FullName;
    private readonly SpecValidator validator = new(TestCatalog.Create());

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Spec(string cron)
    {
        var path = Path.Combine(dir, $"s-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            name: t
            backbone: {"{"} kind: net, patch_size: 4 {"}"}
            schedule: "{cron}"
            """);
        return path;
    }

    private SpecError? ScheduleError(string cron)
    {
        try
        {
            validator.Validate(Spec(cron));
            return null;
        }
        catch (SpecException e)
        {
            return e.Errors.FirstOrDefault(x => x.Message.StartsWith("schedule:", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("99 * * * * ?", "seconds")]            // Quartz took it for '*': every second
    [InlineData("0 99 * * * ?", "minutes")]
    [InlineData("0 0 99 * * ?", "hours")]
    [InlineData("0 0 0 98 * ?", "day-of-month")]       // 98 is Quartz's code for '?'
    [InlineData("0 0 0 ? 99 *", "month")]
    [InlineData("0 0 0 ? * 98", "day-of-week")]
    [InlineData("0 0 0 * * ? 99", "year")]
    public void Numbers_that_quartz_takes_for_wildcards_are_out_of_range(string cron, string field)
    {
        var error = ScheduleError(cron);
        Assert.NotNull(error);
        Assert.Contains($"out of range for the {field} field", error.Message);
        Assert.Equal((3, 11), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public async Task A_range_from_99_to_a_huge_end_is_refused_at_once()
    {
        // Quartz looped 123 million times for this one (40 s, 5 GB allocated).
        var check = Task.Run(() => ScheduleError("99-123602099 * * * * ?"));
        Assert.Same(check, await Task.WhenAny(check, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Contains("99 is out of range for the seconds field (0-59)", (await check)!.Message);
    }

    [Theory]
    [InlineData("0 0 2 * * ?")]
    [InlineData("0 0/15 8-18 ? * MON-FRI")]
    [InlineData("0 0 0 L * ? 2030/2")]
    [InlineData("0 0 12 ? * 6#3")]
    [InlineData("0 0 0 LW * ?")]
    public void Ordinary_expressions_are_accepted(string cron) => Assert.Null(ScheduleError(cron));

    [Theory]
    [InlineData("0 0 0 30 2 ?", "never fires")]
    [InlineData("every night", "is not a Quartz cron expression: it has 2 fields")]
    [InlineData("0 0 0 ? * 1#9", "is not a Quartz cron expression")]
    public void Expressions_that_cannot_schedule_anything_are_errors(string cron, string fragment) =>
        Assert.Contains(fragment, ScheduleError(cron)?.Message);
}

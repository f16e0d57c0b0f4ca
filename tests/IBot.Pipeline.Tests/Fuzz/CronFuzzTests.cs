using CsCheck;
using IBot.Pipeline.Specs;
using Quartz;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// <c>schedule:</c> expressions: random fields from cron's vocabulary (ranges, steps, lists, L, W,
/// #, names) with numbers at and past every field's bounds, including Quartz's internal 98 and 99.
/// <see cref="CronCheck"/> answers in bounds and never throws; what it accepts, Quartz builds a
/// trigger from, and the trigger has a next fire time.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CronFuzzTests(ITestOutputHelper output)
{
    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.OneOf("0", "1", "5", "7", "12", "23", "24", "31", "32", "59", "60", "98", "99", "0099", "1970", "2099", "2126", "2299", "9999",
            "65535", "2147483647", "2147483648", "99999999999999999999"),
        Gen.Int[0, 200].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Atom = Gen.OneOf(Number,
        Gen.OneOf("*", "?", "L", "W", "LW", "L-3", "JAN", "DEC", "MON", "SUN", "FOO", "H", "H(0-29)", "", "#", "/", "-", ",", "\t", "é", "0x1"));

    private static readonly Gen<string> Part = Gen.OneOf(
        Atom,
        Gen.Select(Atom, Atom, (a, b) => $"{a}-{b}"),
        Gen.Select(Atom, Atom, (a, b) => $"{a}/{b}"),
        Gen.Select(Atom, Atom, Atom, (a, b, c) => $"{a}-{b}/{c}"),
        Gen.Select(Atom, Atom, (a, b) => $"{a}#{b}"),
        Gen.Select(Atom, Gen.OneOf("L", "W"), (a, b) => a + b));

    private static readonly Gen<string> Field = Part.Array[1, 3].Select(parts => string.Join(",", parts));

    private static readonly Gen<string> Expression = Gen.Select(Field.Array[4, 9], Gen.OneOf(" ", "  ", "\t", " \n "), (fields, gap) => string.Join(gap, fields));

    private static void Holds(string cron)
    {
        string? problem = null;
        var thrown = Bounded.Run<FuzzFailure>(() => problem = CronCheck.Problem(cron, DateTimeOffset.UtcNow), maxMegabytes: 64);
        Assert.Null(thrown);
        if (problem is not null)
        {
            Assert.DoesNotContain('\n', problem);
            return;
        }
        // Accepted: Quartz must agree, quickly, as the service's sync job relies on it.
        Bounded.Run<FuzzFailure>(() =>
        {
            var trigger = TriggerBuilder.Create().WithCronSchedule(cron).StartNow().Build();
            Assert.NotNull(trigger.GetFireTimeAfter(DateTimeOffset.UtcNow));
        }, maxMegabytes: 64);
    }

    [Fact]
    public void Random_expressions() =>
        output.WriteLine($"{FuzzRunner.Check("cron", 8, Expression, Holds, 20_000)} cases");

    [Theory]
    [InlineData("99-123602099 * * * * ?")]
    [InlineData("0 0 0 * * ? 99-2147483647")]
    [InlineData("0 0 0 98-2147483647 * ?")]
    [InlineData("0/1 0/1 0/1 1/1 1/1 ? 1970/1")]
    [InlineData("0 0 0 31 2 ? 1970-2099")]
    [InlineData("0 0 0 ? * 5#5 2100")]
    public void Known_hard_cases(string cron) => Holds(cron);
}

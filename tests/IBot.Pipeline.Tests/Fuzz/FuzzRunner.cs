using System.Globalization;
using CsCheck;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// Runs a fuzz property over inputs drawn from a CsCheck generator, reproducibly: case i uses
/// the PCG seed (stream, base + i), so the suite sees the same inputs on every run and a failure
/// names the seed that replays it. A failure that is not a time-out is then handed to CsCheck's
/// <c>Sample</c> from that seed, which shrinks it to the smallest input that still fails.
/// </summary>
/// <remarks>
/// Longer runs come from the environment: <c>IBOT_FUZZ_ITERATIONS=N</c> draws N cases per target
/// instead of the suite's default, <c>IBOT_FUZZ_SECONDS=S</c> runs each target for S seconds
/// instead, and <c>IBOT_FUZZ_SEED=N</c> (or <c>random</c>) moves every target to other inputs.
/// </remarks>
public static class FuzzRunner
{
    private const int ShrinkIterations = 400;

    /// <summary>Cases per target: <c>IBOT_FUZZ_ITERATIONS</c>, else the suite's default.</summary>
    public static int Iterations(int suiteDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("IBOT_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : suiteDefault;

    /// <summary>Seconds per target when <c>IBOT_FUZZ_SECONDS</c> is set.</summary>
    public static double? Seconds =>
        double.TryParse(Environment.GetEnvironmentVariable("IBOT_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : null;

    /// <summary>True when a longer run was asked for: targets may then widen what they enumerate.</summary>
    public static bool Long => Seconds is not null || Environment.GetEnvironmentVariable("IBOT_FUZZ_ITERATIONS") is not null;

    private static readonly ulong BaseSeed = ReadSeed();

    private static ulong ReadSeed()
    {
        var text = Environment.GetEnvironmentVariable("IBOT_FUZZ_SEED");
        if (string.Equals(text, "random", StringComparison.OrdinalIgnoreCase)) return (ulong)Random.Shared.NextInt64();
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed : 20261206;
    }

    /// <summary>Checks <paramref name="property"/> on generated inputs; returns how many ran.</summary>
    /// <remarks>stream: One per target (a small constant), so targets draw different inputs.</remarks>
    public static int Check<T>(string target, uint stream, Gen<T> gen, Action<T> property, int suiteIterations, Func<T, string>? print = null)
    {
        print ??= input => Describe(input);
        var seconds = Seconds;
        var iterations = seconds is null ? Iterations(suiteIterations) : int.MaxValue;
        var deadline = seconds is { } s ? DateTime.UtcNow.AddSeconds(s) : DateTime.MaxValue;
        var ran = 0;
        for (var i = 0UL; ran < iterations && DateTime.UtcNow < deadline; i++, ran++)
        {
            var pcg = new PCG(stream, BaseSeed * 1_000_003UL + i);
            var seed = pcg.ToString();
            var input = gen.Generate(pcg, null!, out _);
            try
            {
                property(input);
            }
            catch (Exception e)
            {
                var where = $"{target}: case {i} (seed {seed}, IBOT_FUZZ_SEED={BaseSeed}) failed on {print(input)}";
                if (e is not TimeoutException) Shrink(gen, property, seed, print, where);
                throw new FuzzFailure($"{where}: {e.GetType().Name}: {e.Message}", e);
            }
        }
        return ran;
    }

    // CsCheck replays the seed, then keeps drawing smaller inputs that fail; its exception names the smallest.
    private static void Shrink<T>(Gen<T> gen, Action<T> property, string seed, Func<T, string> print, string where)
    {
        try
        {
            gen.Sample(property, seed: seed, iter: ShrinkIterations, threads: 1, print: print);
        }
        catch (Exception shrunk)
        {
            throw new FuzzFailure($"{where}; shrunk by CsCheck: {shrunk.Message}", shrunk);
        }
    }

    /// <summary>An input as one readable line: control characters escaped, long text cut in the middle.</summary>
    public static string Describe(object? input)
    {
        var text = input switch
        {
            null => "null",
            string s => s,
            byte[] b => System.Text.Encoding.UTF8.GetString(b),   // invalid bytes show as U+FFFD; the seed replays them exactly
            _ => input.ToString() ?? "",
        };
        var escaped = System.Text.Json.JsonSerializer.Serialize(text);
        return escaped.Length <= 600 ? escaped : $"{escaped[..300]} … {escaped[^300..]} ({text.Length} chars)";
    }
}

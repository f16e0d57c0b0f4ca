using System.Diagnostics;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// The property every checkpoint parser must have on any input: it returns a result or throws an
/// <see cref="InvalidDataException"/> (any other exception fails the test), within
/// <see cref="TimeLimit"/>, and without allocating more managed memory than a small multiple of
/// the input's size, so a lying length field cannot make it allocate before checking.
/// </summary>
public static class ParserProperty
{
    /// <summary>Far above any parse of the small fuzz inputs; far below a stalled or looping one.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(5);

    /// <summary>Managed bytes a parse may allocate: a fixed allowance plus 64 per input byte.</summary>
    public static long AllocationBudget(int inputLength) => (4L << 20) + 64L * inputLength;

    /// <summary>
    /// Runs <paramref name="parse"/> on <paramref name="input"/>; returns the
    /// <see cref="InvalidDataException"/> it threw, or null when it accepted the input (whose
    /// result is checked by <paramref name="whenAccepted"/>, then disposed).
    /// </summary>
    public static InvalidDataException? Check<T>(byte[] input, Func<Stream, T> parse, Action<T>? whenAccepted = null)
        where T : IDisposable
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        InvalidDataException? rejected = null;
        try
        {
            using var stream = new MemoryStream(input, writable: false);
            using var result = parse(stream);
            whenAccepted?.Invoke(result);
        }
        catch (InvalidDataException e)
        {
            rejected = e;
            Assert.False(string.IsNullOrWhiteSpace(e.Message), "an InvalidDataException without a message");
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(clock.Elapsed < TimeLimit, $"parsing {input.Length} bytes took {clock.Elapsed}");
        Assert.True(allocated <= AllocationBudget(input.Length),
            $"parsing {input.Length} bytes allocated {allocated:N0} managed bytes (budget {AllocationBudget(input.Length):N0}); {rejected?.Message}");
        return rejected;
    }

    /// <summary>As <see cref="Check{T}"/>, and the input must be rejected, with every fragment in the message.</summary>
    public static void Rejects<T>(byte[] input, Func<Stream, T> parse, params string[] fragments) where T : IDisposable
    {
        var e = Check(input, parse);
        Assert.True(e is not null, $"accepted an input that must be rejected ({string.Join(", ", fragments)})");
        foreach (var fragment in fragments) Assert.Contains(fragment, e!.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The first <paramref name="length"/> bytes.</summary>
    public static byte[] Prefix(byte[] bytes, int length) => bytes.AsSpan(0, length).ToArray();

    /// <summary>A copy with the given bytes XOR-ed by the given masks.</summary>
    public static byte[] Flip(byte[] bytes, IEnumerable<(int Position, byte Mask)> flips)
    {
        var copy = (byte[])bytes.Clone();
        foreach (var (position, mask) in flips) copy[position % copy.Length] ^= mask == 0 ? (byte)1 : mask;
        return copy;
    }
}

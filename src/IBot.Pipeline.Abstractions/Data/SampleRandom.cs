namespace IBot.Pipeline.Abstractions.Data;

/// <summary>
/// A small, fast, explicitly specified PRNG (xoshiro256**, seeded through SplitMix64) whose
/// stream depends only on (seed, epoch, sample index, purpose). Every augmentation and mask
/// draws from its sample's own stream, so batches are identical whatever the thread count
/// or scheduling, and a resumed run replays the same views.
/// </summary>
public sealed class SampleRandom
{
    private ulong s0, s1, s2, s3;

    public SampleRandom(long seed, long epoch, long index, long purpose = 0)
    {
        var x = Mix((ulong)seed) ^ Mix((ulong)epoch * 0x9E3779B97F4A7C15UL + 1) ^ Mix((ulong)index * 0xC2B2AE3D27D4EB4FUL + 2) ^ Mix((ulong)purpose * 0x165667B19E3779F9UL + 3);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Python's <c>random.uniform(a, b)</c>: a + (b − a)·U.</summary>
    public double Uniform(double a, double b) => a + (b - a) * NextDouble();

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="high"/>] inclusive (Python's <c>randint</c>).</summary>
    public int Integer(int low, int high)
    {
        if (high < low) throw new ArgumentException($"empty range [{low}, {high}]");
        var span = (ulong)(high - low) + 1;
        // Rejection sampling: no modulo bias.
        var limit = ulong.MaxValue - ulong.MaxValue % span;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return low + (int)(r % span);
    }

    public bool Bernoulli(double p) => p >= 1.0 || (p > 0.0 && NextDouble() < p);

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = Integer(0, i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        Shuffle(p.AsSpan());
        return p;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Mix(ulong v)
    {
        var x = v;
        return SplitMix(ref x);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

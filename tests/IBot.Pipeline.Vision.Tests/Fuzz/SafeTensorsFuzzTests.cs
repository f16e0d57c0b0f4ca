using System.Buffers.Binary;
using System.Text;
using CsCheck;
using IBot.Pipeline.Vision.Checkpoints;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// Seeded, bounded fuzzing of the safetensors reader: every truncation of a small valid file,
/// random byte flips, and headers built from hostile field values. Each input is accepted or
/// rejected with an <see cref="InvalidDataException"/>, in bounded time and memory
/// (<see cref="ParserProperty"/>); the named malformations are rejected with a message saying so.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SafeTensorsFuzzTests
{
    private static readonly byte[] Valid = MakeValid();

    private static SafeTensorsFile Parse(Stream s) => SafeTensors.Read(s);

    [Fact(Timeout = 120_000)]
    public async Task Every_truncation_of_a_valid_file_is_rejected()
    {
        await Task.Run(() =>
        {
            Assert.Null(ParserProperty.Check(Valid, Parse, f => Assert.Equal(7, f.Tensors.Count)));
            for (var length = 0; length < Valid.Length; length++)
                Assert.True(ParserProperty.Check(ParserProperty.Prefix(Valid, length), Parse) is not null, $"the first {length} bytes were accepted");
        });
    }

    [Fact(Timeout = 120_000)]
    public async Task Byte_flips_are_accepted_consistently_or_rejected()
    {
        var flips = Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Byte).Array[1, 4];
        await Task.Run(() => flips.Sample(f => ParserProperty.Check(ParserProperty.Flip(Valid, f), Parse, Consistent),
            seed: new PCG(11, 2026).ToString(), iter: 10_000, threads: 1));
    }

    [Fact(Timeout = 120_000)]
    public async Task Hostile_header_fields_are_accepted_consistently_or_rejected()
    {
        await Task.Run(() => SafeTensorsInputs.Files.Sample(bytes => ParserProperty.Check(bytes, Parse, Consistent),
            seed: new PCG(12, 2026).ToString(), iter: 10_000, threads: 1));
    }

    [Theory]
    [InlineData("header length", "exceeds")]
    [InlineData("huge header length", "exceeds")]
    [InlineData("large header length", "exceeds")]
    [InlineData("negative offset", "non-negative integer")]
    [InlineData("offsets outside the data", "not a span")]
    [InlineData("reversed offsets", "not a span")]
    [InlineData("overlapping spans", "overlap")]
    [InlineData("unknown dtype", "unsupported dtype")]
    [InlineData("element count overflow", "more elements than a long")]
    [InlineData("shape and span disagree", "needs")]
    [InlineData("invalid JSON", "not valid JSON")]
    [InlineData("non-object JSON", "not an object")]
    [InlineData("too short", "too short")]
    [InlineData("metadata not a string", "not a string")]
    [InlineData("duplicate name", "appears twice")]
    [InlineData("fractional shape", "non-negative integer")]
    [InlineData("invalid UTF-8", "not valid UTF-8")]
    [InlineData("lone surrogate", "not valid text")]
    public void Named_malformations_are_rejected_with_a_reason(string name, string fragment)
    {
        ParserProperty.Rejects(SafeTensorsInputs.Malformed(name), Parse, fragment);
    }

    [Fact]
    public void Load_names_the_file_in_the_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, ParserProperty.Prefix(Valid, Valid.Length - 1));
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.StartsWith(path + ": not a valid safetensors file: ", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An accepted file's tensors have exactly the shapes its header gives them.</summary>
    private static void Consistent(SafeTensorsFile file)
    {
        foreach (var (_, t) in file.Tensors) Assert.Equal(t.shape.Aggregate(1L, (a, b) => a * b), t.numel());
    }

    private static byte[] MakeValid()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a"] = arange(6, dtype: ScalarType.Float32).reshape(2, 3),
            ["b"] = arange(4, dtype: ScalarType.Int64),
            ["c"] = tensor(new[] { true, false, true, true, false }),
            ["d"] = ones(3, dtype: ScalarType.Float16),
            ["e"] = ones(2, dtype: ScalarType.BFloat16),
            ["f"] = zeros(0, dtype: ScalarType.Byte),
            ["g"] = full(1, 2.5, dtype: ScalarType.Float64),
        };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, new Dictionary<string, string> { ["config"] = "{\"x\": 1}" });
        return stream.ToArray();
    }

    /// <summary>A file with the given header text, data bytes and (by default, the true) header length.</summary>
    public static byte[] FileOf(string header, int dataBytes, ulong? headerLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        for (var i = 8 + json.Length; i < bytes.Length; i++) bytes[i] = (byte)i;
        return bytes;
    }
}

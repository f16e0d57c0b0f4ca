using System.IO.Compression;
using CsCheck;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Tests.Parity;
using static IBot.Pipeline.Vision.Tests.Fuzz.TorchFiles;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// Seeded, bounded fuzzing of the <c>.pth</c> reader (<see cref="TorchArchive"/>,
/// <see cref="TorchUnpickler"/>, <see cref="ReferenceCheckpoint"/>) on the authors' own
/// teacher-only checkpoint: every truncation of the file and of its pickle, byte flips in both,
/// random pickles, and named hostile storages, views and sizes. Each input is accepted or
/// rejected with an <see cref="InvalidDataException"/>, in bounded time and memory.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class TorchCheckpointFuzzTests
{
    private static readonly byte[] Valid = File.ReadAllBytes(Path.Combine(Golden.VendoredDirectory, "checkpoint_teacher.pth"));
    private static readonly Dictionary<string, byte[]> ValidEntries = Entries(Valid);
    private static readonly string PickleName = ValidEntries.Keys.Single(k => k.EndsWith("/data.pkl", StringComparison.Ordinal));

    private static State Parse(Stream s) => new(ReferenceCheckpoint.ReadPth(s, "teacher", "fuzz"));

    [Fact(Timeout = 300_000)]
    public async Task Every_truncation_of_the_file_is_rejected()
    {
        await Task.Run(() =>
        {
            Assert.Null(ParserProperty.Check(Valid, Parse, s => Assert.NotEmpty(s.Tensors)));
            for (var length = 0; length < Valid.Length; length++)
                Assert.True(ParserProperty.Check(ParserProperty.Prefix(Valid, length), Parse) is not null, $"the first {length} bytes were accepted");
        });
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_truncation_of_the_pickle_is_rejected()
    {
        var pickle = ValidEntries[PickleName];
        await Task.Run(() =>
        {
            for (var length = 0; length < pickle.Length; length++)
                Assert.True(ParserProperty.Check(WithPickle(ParserProperty.Prefix(pickle, length)), Parse) is not null,
                    $"a pickle cut after {length} bytes was accepted");
        });
    }

    [Fact(Timeout = 300_000)]
    public async Task Byte_flips_in_the_file_are_accepted_or_rejected()
    {
        var flips = Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Byte).Array[1, 4];
        await Task.Run(() => flips.Sample(f => ParserProperty.Check(ParserProperty.Flip(Valid, f), Parse),
            seed: new PCG(21, 2026).ToString(), iter: 3000, threads: 1));
    }

    [Fact(Timeout = 300_000)]
    public async Task Byte_flips_in_the_pickle_are_accepted_or_rejected()
    {
        var pickle = ValidEntries[PickleName];
        var flips = Gen.Select(Gen.Int[0, pickle.Length - 1], Gen.Byte).Array[1, 4];
        await Task.Run(() => flips.Sample(f => ParserProperty.Check(WithPickle(ParserProperty.Flip(pickle, f)), Parse),
            seed: new PCG(22, 2026).ToString(), iter: 5000, threads: 1));
    }

    [Fact(Timeout = 300_000)]
    public async Task Random_pickles_are_rejected_or_read()
    {
        // Opcode bytes pickle uses, plus arbitrary bytes: lengths, memo indices and arguments at random.
        var opcode = Gen.OneOf((byte)0x80, (byte)'}', (byte)']', (byte)')', (byte)'(', (byte)'u', (byte)'e', (byte)'t',
            (byte)'R', (byte)'Q', (byte)'b', (byte)'q', (byte)'h', (byte)'r', (byte)'j', (byte)'X', (byte)'B', (byte)'J',
            (byte)0x8a, (byte)0x8b, (byte)'c', (byte)'.', (byte)0x94, (byte)0x95, (byte)'N', (byte)0x88, (byte)'0', (byte)'2');
        var pickles = Gen.Frequency((3, (IGen<byte>)opcode), (1, Gen.Byte)).Array[1, 64];
        await Task.Run(() => pickles.Sample(p => ParserProperty.Check(WithPickle(p), Parse),
            seed: new PCG(23, 2026).ToString(), iter: 10_000, threads: 1));
    }

    [Theory]
    [InlineData("huge storage", "declares")]
    [InlineData("view past the storage", "past the storage")]
    [InlineData("negative size", "negative dimension")]
    [InlineData("overflowing strides", "reach past any storage")]
    [InlineData("element count overflow", "more elements than a long")]
    [InlineData("missing storage entry", "has no")]
    [InlineData("unknown storage class", "unsupported storage type")]
    [InlineData("storage typed twice", "referenced as")]
    [InlineData("bytes longer than the pickle", "malformed pickle")]
    [InlineData("not a dict", "not a dict")]
    [InlineData("no data.pkl", "no data.pkl")]
    [InlineData("legacy format", "not a zip archive")]
    [InlineData("lying entry size", "declares")]
    public void Named_malformations_are_rejected_with_a_reason(string name, string fragment)
    {
        ParserProperty.Rejects(TorchInputs.Malformed(name), Parse, fragment);
    }

    [Fact]
    public void A_deflated_archive_of_a_small_state_dict_reads()
    {
        var storage = new Storage("0", "FloatStorage", 6);
        var bytes = Archive(StateDictPickle("teacher", new TorchFiles.Tensor("w", storage, 0, [2, 3], [3, 1]),
                new TorchFiles.Tensor("row", storage, 3, [3], [1])),
            new Dictionary<string, byte[]> { ["0"] = new byte[24] }, CompressionLevel.Optimal);
        Assert.Null(ParserProperty.Check(bytes, Parse, s => Assert.Equal(new long[] { 3 }, s.Tensors["row"].shape)));
    }

    /// <summary>The valid archive with its data.pkl replaced.</summary>
    private static byte[] WithPickle(byte[] pickle) =>
        Rezip(ValidEntries.ToDictionary(kv => kv.Key, kv => kv.Key == PickleName ? pickle : kv.Value));

    /// <summary>A read state dict, disposed with its tensors.</summary>
    public sealed record State(Dictionary<string, TorchSharp.torch.Tensor> Tensors) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }
}

using System.Buffers.Binary;
using System.Text;
using static IBot.Pipeline.Vision.Tests.Fuzz.TorchFiles;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>Named hostile <c>.pth</c> files: one example of each way a storage, view, pickle or zip can lie.</summary>
public static class TorchInputs
{
    private static readonly Storage Six = new("0", "FloatStorage", 6);
    private static readonly Dictionary<string, byte[]> SixFloats = new() { ["0"] = new byte[24] };

    public static byte[] Malformed(string name) => name switch
    {
        // 2^40 floats declared, 24 bytes stored: refused before anything is allocated for it.
        "huge storage" => One(new TorchFiles.Tensor("w", Six with { Elements = 1L << 40 }, 0, [2, 3], [3, 1])),
        "view past the storage" => One(new TorchFiles.Tensor("w", Six, 4, [2, 3], [3, 1])),
        "negative size" => One(new TorchFiles.Tensor("w", Six, 0, [-2, 3], [3, 1])),
        "overflowing strides" => One(new TorchFiles.Tensor("w", Six, 0, [2, 3], [long.MaxValue, 1])),
        "element count overflow" => One(new TorchFiles.Tensor("w", Six, 0, [1L << 40, 1L << 40], [1, 1])),
        "missing storage entry" => One(new TorchFiles.Tensor("w", Six with { Key = "7" }, 0, [2, 3], [3, 1])),
        "unknown storage class" => One(new TorchFiles.Tensor("w", Six with { Type = "QuantumStorage" }, 0, [2, 3], [3, 1])),
        "storage typed twice" => Archive(StateDictPickle("teacher",
                new TorchFiles.Tensor("w", Six, 0, [6], [1]), new TorchFiles.Tensor("v", Six with { Type = "IntStorage" }, 0, [6], [1])),
            SixFloats),
        "bytes longer than the pickle" => Archive(BinBytes(int.MaxValue), SixFloats),
        "not a dict" => Archive([0x80, 2, (byte)']', (byte)'.'], SixFloats),
        "no data.pkl" => Rezip(new Dictionary<string, byte[]> { ["archive/data/0"] = new byte[24] }),
        "legacy format" => [0x80, 2, (byte)'}', (byte)'.'],
        "lying entry size" => LyingSize(One(new TorchFiles.Tensor("w", Six, 0, [2, 3], [3, 1]))),
        _ => throw new ArgumentException(name),
    };

    private static byte[] One(TorchFiles.Tensor tensor) => Archive(StateDictPickle("teacher", tensor), SixFloats);

    /// <summary>PROTO 2, then BINBYTES declaring <paramref name="length"/> bytes that are not there.</summary>
    private static byte[] BinBytes(int length)
    {
        var bytes = new byte[] { 0x80, 2, (byte)'B', 0, 0, 0, 0, (byte)'.' };
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(3), length);
        return bytes;
    }

    /// <summary>The central directory's uncompressed size of data.pkl set to 2^31 − 1 (the local header keeps the truth).</summary>
    private static byte[] LyingSize(byte[] zip)
    {
        var name = Encoding.ASCII.GetBytes("archive/data.pkl");
        for (var i = zip.Length - 46; i >= 0; i--)
        {
            // Central directory file header: signature PK\1\2, name length at 28, name at 46.
            if (zip[i] != 'P' || zip[i + 1] != 'K' || zip[i + 2] != 1 || zip[i + 3] != 2) continue;
            if (BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28)) != name.Length || !zip.AsSpan(i + 46, name.Length).SequenceEqual(name)) continue;
            var copy = (byte[])zip.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(i + 24), int.MaxValue);
            return copy;
        }
        throw new InvalidOperationException("no central directory entry for data.pkl");
    }
}

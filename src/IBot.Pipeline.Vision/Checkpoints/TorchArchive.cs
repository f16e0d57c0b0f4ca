using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// The zip container that <c>torch.save</c> writes (PyTorch ≥ 1.6): <c>NAME/data.pkl</c>, the
/// pickled object, and one <c>NAME/data/KEY</c> entry per storage (stored uncompressed by
/// torch.save, deflated by some other writers). Every declared size is checked against the file
/// before anything is allocated for it, and entries are read as far as they really go, so a
/// damaged or hostile file costs at most its stored bytes, or deflate's largest expansion of them;
/// every problem is an <see cref="InvalidDataException"/> naming what is wrong.
/// </summary>
public sealed class TorchArchive : IDisposable
{
    private readonly ZipArchive zip;
    private readonly long fileLength;
    private readonly string prefix;
    private readonly Dictionary<string, Tensor> storages = new(StringComparer.Ordinal);

    /// <summary>Deflate's largest expansion (258 bytes from about two bits), rounded up.</summary>
    private const long MaxDeflateRatio = 1032;

    public TorchArchive(Stream stream)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        fileLength = stream.Length;
        Span<byte> magic = stackalloc byte[4];
        stream.Position = 0;
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || magic[0] != 'P' || magic[1] != 'K')
            throw new InvalidDataException("not a zip archive: PyTorch 1.6+ checkpoints are; older (legacy torch.save) files are not supported");
        stream.Position = 0;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var pickles = zip.Entries.Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException(pickles.Count == 0 ? "no data.pkl in the archive" : "more than one data.pkl in the archive");
            prefix = pickles[0].FullName[..^"data.pkl".Length];
            var byteOrder = zip.GetEntry(prefix + "byteorder");
            if (byteOrder != null && Encoding.ASCII.GetString(ReadEntry(byteOrder, fileLength)).Trim() != "little")
                throw new InvalidDataException("big-endian checkpoints are not supported");
            Pickle = ReadEntry(pickles[0], fileLength);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException and not ArgumentNullException)
        {
            // System.IO.Compression reports a damaged zip as InvalidDataException, IOException
            // (EndOfStreamException), NotSupportedException or ArgumentOutOfRangeException.
            zip?.Dispose();
            throw e as InvalidDataException ?? new InvalidDataException($"damaged zip archive: {e.Message}", e);
        }
    }

    /// <summary>The bytes of <c>data.pkl</c>.</summary>
    public byte[] Pickle { get; }

    /// <summary>
    /// The storage <c>data/<paramref name="key"/></c> as a 1-D tensor of
    /// <paramref name="elements"/> values, read once and shared by every tensor that views it.
    /// </summary>
    public Tensor Storage(string key, ScalarType dtype, long elements)
    {
        if (storages.TryGetValue(key, out var cached))
        {
            if (cached.dtype != dtype || cached.shape[0] != elements)
                throw new InvalidDataException($"storage '{key}' is referenced as {elements} {dtype} and as {cached.shape[0]} {cached.dtype}");
            return cached;
        }
        var entry = zip.GetEntry(prefix + "data/" + key) ?? throw new InvalidDataException($"storage '{key}' has no {prefix}data/{key} entry");
        var size = TorchTypes.ElementSize(dtype);
        if (elements < 0 || elements > long.MaxValue / size || elements * size != entry.Length)
            throw new InvalidDataException($"storage '{key}' declares {elements} {dtype} values ({elements}×{size} bytes) but its entry holds {entry.Length} bytes");
        var bytes = ReadEntry(entry, fileLength);
        var storage = empty(elements, dtype);
        if (bytes.Length > 0) storage.bytes = bytes;
        storages[key] = storage;
        return storage;
    }

    /// <summary>
    /// Reads a whole entry. torch.save stores entries; other writers (TorchSharp.PyBridge) deflate
    /// them, and deflate expands at most about 1032-fold, so a declared length beyond that is a lie.
    /// The bytes are collected as they are decompressed, never from the declared length alone.
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long fileLength)
    {
        if (entry.Length < 0 || entry.CompressedLength < 0 || entry.CompressedLength > fileLength
            || entry.Length > Math.Max(entry.CompressedLength, MaxDeflateRatio * entry.CompressedLength + 64) || entry.Length > Array.MaxLength)
            throw new InvalidDataException($"entry {entry.FullName} declares {entry.Length} bytes from {entry.CompressedLength} in a {fileLength}-byte file");
        using var buffer = new MemoryStream();
        try
        {
            using var stream = entry.Open();
            var chunk = new byte[Math.Min(entry.Length + 1, 1 << 20)];
            int n;
            while (buffer.Length <= entry.Length && (n = stream.Read(chunk, 0, chunk.Length)) > 0) buffer.Write(chunk, 0, n);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"entry {entry.FullName} cannot be read: {e.Message}", e);
        }
        if (buffer.Length != entry.Length)
            throw new InvalidDataException($"entry {entry.FullName} holds {(buffer.Length > entry.Length ? "more" : buffer.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, not the {entry.Length} it declares");
        return buffer.ToArray();
    }

    public void Dispose()
    {
        foreach (var storage in storages.Values) storage.Dispose();
        storages.Clear();
        zip.Dispose();
    }
}

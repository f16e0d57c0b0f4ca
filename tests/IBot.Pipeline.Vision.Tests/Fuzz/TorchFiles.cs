using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// Builds <c>torch.save</c>-shaped files byte by byte for the reader's tests: a pickle written
/// opcode by opcode (protocol 2, as torch.save writes it), tensors as
/// <c>_rebuild_tensor_v2(persistent storage, offset, size, stride, …)</c>, and the zip around them,
/// so that sizes, offsets and storages can be set to anything.
/// </summary>
public sealed class TorchFiles
{
    private readonly MemoryStream pickle = new();

    /// <summary>A storage a tensor views: key, storage class, declared element count.</summary>
    public sealed record Storage(string Key, string Type, long Elements);

    /// <summary>One tensor of a state dict, with its storage and view.</summary>
    public sealed record Tensor(string Name, Storage Storage, long Offset, long[] Size, long[] Stride);

    /// <summary>A pickle of <c>{network: {name: tensor, …}}</c>, or of the bare state dict when network is null.</summary>
    public static byte[] StateDictPickle(string? network, params Tensor[] tensors)
    {
        var p = new TorchFiles().Op(0x80, 2);
        if (network != null) p.Op('}').Op('(').Text(network);
        p.Op('}').Op('(');
        foreach (var t in tensors)
        {
            p.Text(t.Name).Global("torch._utils", "_rebuild_tensor_v2").Op('(');
            p.Op('(').Text("storage").Global("torch", t.Storage.Type).Text(t.Storage.Key).Text("cpu").Int(t.Storage.Elements).Op('t').Op('Q');
            p.Int(t.Offset).Tuple(t.Size).Tuple(t.Stride).Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R');
            p.Op('t').Op('R');
        }
        p.Op('u');
        if (network != null) p.Op('u');
        return p.Op('.').pickle.ToArray();
    }

    /// <summary>A zip as torch.save lays it out (stored entries under <c>archive/</c>).</summary>
    public static byte[] Archive(byte[] pickleBytes, IReadOnlyDictionary<string, byte[]> storages, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickleBytes, level);
            foreach (var (key, bytes) in storages) Add(zip, "archive/data/" + key, bytes, level);
            Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"), level);
        }
        return buffer.ToArray();
    }

    /// <summary>The entries of a zip, by name.</summary>
    public static Dictionary<string, byte[]> Entries(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return copy.ToArray();
        });
    }

    /// <summary>Re-zips entries (names as given), stored.</summary>
    public static byte[] Rezip(IReadOnlyDictionary<string, byte[]> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries) Add(zip, name, bytes, CompressionLevel.NoCompression);
        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var s = zip.CreateEntry(name, level).Open();
        s.Write(bytes);
    }

    public TorchFiles Op(params int[] bytes)
    {
        foreach (var b in bytes) pickle.WriteByte((byte)b);
        return this;
    }

    private TorchFiles Op(char c) => Op((int)c);

    public TorchFiles Text(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        Op('X');
        pickle.Write(length);
        pickle.Write(utf8);
        return this;
    }

    /// <summary>LONG1: any long, little-endian two's complement in 8 bytes.</summary>
    public TorchFiles Int(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Op(0x8a, 8);
        pickle.Write(bytes);
        return this;
    }

    private TorchFiles Tuple(long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        return Op('t');
    }

    private TorchFiles Global(string module, string name) => Op('c').Raw(module + "\n" + name + "\n");

    private TorchFiles Raw(string ascii)
    {
        pickle.Write(Encoding.ASCII.GetBytes(ascii));
        return this;
    }
}

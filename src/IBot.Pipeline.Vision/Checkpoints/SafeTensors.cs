using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>A safetensors file's contents: named CPU tensors and the string metadata.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    public SafeTensorsFile(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors in file order.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public Tensor this[string name] => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"tensor '{name}' is not in the file");

    /// <summary>Tensors whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}

/// <summary>
/// Reader and writer of the safetensors format (8-byte little-endian header length, JSON
/// header, raw little-endian data), so weights move to and from the Python ecosystem.
/// dtypes: F32, F64, F16, BF16, I64, I32, U8, BOOL.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L << 20;

    public static SafeTensorsFile Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or EndOfStreamException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a valid safetensors file: {e.Message}", e);
        }
    }

    public static SafeTensorsFile Read(Stream stream)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
            throw new InvalidDataException($"header length {headerLength} is out of range");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new InvalidDataException("empty header");

        var metadata = new Dictionary<string, string>();
        if (header["__metadata__"] is JsonObject meta)
            foreach (var (k, v) in meta) metadata[k] = v?.GetValue<string>() ?? "";

        var entries = header.Where(kv => kv.Key != "__metadata__")
            .Select(kv => (Name: kv.Key, Info: kv.Value!.AsObject()))
            .OrderBy(e => e.Info["data_offsets"]![0]!.GetValue<long>())
            .ToList();
        var dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, info) in entries)
        {
            var dtype = info["dtype"]!.GetValue<string>();
            var shape = info["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
            var begin = info["data_offsets"]![0]!.GetValue<long>();
            var end = info["data_offsets"]![1]!.GetValue<long>();
            var bytes = new byte[end - begin];
            stream.Seek(dataStart + begin, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
            tensors[name] = FromBytes(bytes, dtype, shape);
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    /// <summary>Writes tensors (copied to CPU, contiguous) atomically: temp file, flush, rename.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(stream, tensors, metadata);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var blobs = new List<byte[]>();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            var bytes = ToBytes(tensor, out var dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
        var padded = (headerBytes.Length + 7) / 8 * 8;
        stream.Write(BitConverter.GetBytes((long)padded));
        stream.Write(headerBytes);
        for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var blob in blobs) stream.Write(blob);
    }

    private static Tensor FromBytes(byte[] bytes, string dtype, long[] shape) => dtype switch
    {
        "F32" => tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
        "F64" => tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape),
        "I64" => tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
        "I32" => tensor(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape),
        "U8" => tensor(bytes, shape),
        "BOOL" => tensor(bytes.Select(b => b != 0).ToArray(), shape),
        // Half precision goes through float32, which represents every such value exactly.
        "F16" => tensor(MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h).ToArray(), shape).to(ScalarType.Float16),
        "BF16" => tensor(MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(), shape).to(ScalarType.BFloat16),
        _ => throw new InvalidDataException($"unsupported dtype {dtype}"),
    };

    private static byte[] ToBytes(Tensor t, out string dtype)
    {
        using var cpu = t.detach().cpu().contiguous();
        switch (cpu.dtype)
        {
            case ScalarType.Float32: dtype = "F32"; return MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray();
            case ScalarType.Float64: dtype = "F64"; return MemoryMarshal.AsBytes(cpu.data<double>().ToArray().AsSpan()).ToArray();
            case ScalarType.Int64: dtype = "I64"; return MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()).ToArray();
            case ScalarType.Int32: dtype = "I32"; return MemoryMarshal.AsBytes(cpu.data<int>().ToArray().AsSpan()).ToArray();
            case ScalarType.Byte: dtype = "U8"; return cpu.data<byte>().ToArray();
            case ScalarType.Bool: dtype = "BOOL"; return cpu.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray();
            case ScalarType.Float16:
                dtype = "F16";
                using (var f = cpu.to(ScalarType.Float32))
                    return MemoryMarshal.AsBytes(f.data<float>().ToArray().Select(v => (Half)v).ToArray().AsSpan()).ToArray();
            case ScalarType.BFloat16:
                dtype = "BF16";
                using (var f = cpu.to(ScalarType.Float32))
                    return MemoryMarshal.AsBytes(f.data<float>().ToArray().Select(v => (ushort)(BitConverter.SingleToInt32Bits(v) >> 16)).ToArray().AsSpan()).ToArray();
            default: throw new NotSupportedException($"dtype {cpu.dtype} cannot be written as safetensors");
        }
    }
}

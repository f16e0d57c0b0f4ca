using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Reader and writer of the safetensors format (8-byte little-endian header length, JSON
/// header, raw little-endian data), so weights move to and from the Python ecosystem.
/// dtypes: F32, F64, F16, BF16, I64, I32, U8, BOOL. Reading checks the header length, every
/// field and every tensor's span against the file's size before allocating anything for them;
/// a malformed file is an <see cref="InvalidDataException"/> (with the path, from
/// <see cref="Load"/>) saying what is wrong.
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
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid safetensors file: {e.Message}", e);
        }
    }

    /// <summary>Reads a safetensors file from the current position of a seekable stream to its end.</summary>
    public static SafeTensorsFile Read(Stream stream)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        var start = stream.Position;
        var length = stream.Length - start;
        if (length < 8) throw new InvalidDataException($"{length} bytes: too short to hold the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(length - 8))
            throw new InvalidDataException($"header length {headerLength} exceeds the {length - 8} bytes after it");
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var dataStart = start + 8 + (long)headerLength;
        var header = SafeTensorsHeader.Parse(headerBytes, stream.Length - dataStart);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Entries)
            {
                var bytes = new byte[entry.End - entry.Begin];
                stream.Seek(dataStart + entry.Begin, SeekOrigin.Begin);
                stream.ReadExactly(bytes);
                tensors[entry.Name] = FromBytes(bytes, entry.DType, entry.Shape);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafeTensorsFile(tensors, header.Metadata);
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

using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// Element types as PyTorch's pickles name them (the legacy storage classes that
/// <c>torch.save</c> records, <c>torch.FloatStorage</c> and so on) and their sizes in bytes.
/// </summary>
public static class TorchTypes
{
    private static readonly Dictionary<string, ScalarType> Storages = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
        ["ComplexFloatStorage"] = ScalarType.ComplexFloat32,
        ["ComplexDoubleStorage"] = ScalarType.ComplexFloat64,
    };

    /// <summary>The element type of a storage class (<c>FloatStorage</c> → float32).</summary>
    public static ScalarType FromStorageName(string name) =>
        Storages.TryGetValue(name, out var type) ? type : throw new InvalidDataException($"unsupported storage type '{name}'");

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"unsupported element type {type}"),
    };

    /// <summary>
    /// Number of elements of <paramref name="shape"/>, or an <see cref="InvalidDataException"/>
    /// when a dimension is negative or the product overflows a long.
    /// </summary>
    public static long ElementCount(IReadOnlyList<long> shape, string what)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new InvalidDataException($"{what}: negative dimension {d} in shape [{string.Join(", ", shape)}]");
            try
            {
                count = checked(count * d);
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{what}: shape [{string.Join(", ", shape)}] has more elements than a long can count");
            }
        }
        return count;
    }
}

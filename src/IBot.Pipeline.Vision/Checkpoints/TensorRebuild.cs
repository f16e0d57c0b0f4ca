using System.Numerics;
using Razorvine.Pickle;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, …)</c>:
/// a tensor viewing its storage. Sizes, strides and offset are checked against the storage's
/// length first, so a view can never reach outside the bytes the archive holds.
/// </summary>
public sealed class TensorRebuild : IObjectConstructor
{
    public object construct(object[] args)
    {
        if (args.Length < 4) throw new InvalidDataException($"tensor rebuild with {args.Length} arguments; expected at least 4");
        if (args[0] is not TorchUnpickler.StorageReference reference)
            throw new InvalidDataException("tensor rebuild whose first argument is not a storage");
        var offset = ToLong(args[1], "storage offset");
        var size = ToLongs(args[2], "size");
        var stride = ToLongs(args[3], "stride");
        var what = $"tensor on storage '{reference.Key}'";
        if (size.Length != stride.Length)
            throw new InvalidDataException($"{what}: size [{string.Join(", ", size)}] and stride [{string.Join(", ", stride)}] differ in rank");
        var count = TorchTypes.ElementCount(size, what);
        if (offset < 0 || stride.Any(s => s < 0))
            throw new InvalidDataException($"{what}: negative storage offset or stride");
        // The last element's position: offset + Σ (size_i − 1)·stride_i, which must lie in the storage.
        long last = offset;
        try
        {
            for (var i = 0; i < size.Length && count > 0; i++) last = checked(last + (size[i] - 1) * stride[i]);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{what}: its strides reach past any storage");
        }
        if (count > 0 && last >= reference.Elements || offset > reference.Elements)
            throw new InvalidDataException(
                $"{what}: size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}] and offset {offset} reach element {last}, past the storage's {reference.Elements}");

        var storage = reference.Archive.Storage(reference.Key, reference.DType, reference.Elements);
        if (offset == 0 && count == reference.Elements && IsContiguous(size, stride))
            return storage.view(size);
        using var view = storage.as_strided(size, stride, offset);
        return view.clone();
    }

    /// <summary>A pickled integer (Razorvine gives int, long or BigInteger) as a long.</summary>
    public static long ToLong(object? value, string what) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new InvalidDataException($"{what} is not an integer that fits a long ({value?.GetType().Name ?? "None"})"),
    };

    private static long[] ToLongs(object? value, string what) => value is object[] items
        ? items.Select(v => ToLong(v, what)).ToArray()
        : throw new InvalidDataException($"{what} is not a tuple");

    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (var i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /// <summary>
    /// <c>torch._utils._rebuild_parameter(data, requires_grad, hooks)</c>: a parameter pickled
    /// outside a state dict (a whole pickled module) is read as its tensor.
    /// </summary>
    public sealed class Parameter : IObjectConstructor
    {
        public object construct(object[] args) => args.Length > 0 && args[0] is Tensor t
            ? t
            : throw new InvalidDataException("parameter rebuild without a tensor");
    }
}

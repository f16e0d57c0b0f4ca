using System.Buffers.Binary;
using Razorvine.Pickle;

namespace IBot.Pipeline.Vision.Checkpoints;

/// <summary>
/// The numpy objects that the reference's checkpoints pickle. main_ibot.py sets every optimizer
/// group's <c>lr</c> and <c>weight_decay</c> from numpy schedules, so its <c>checkpoint.pth</c> holds
/// numpy float64 scalars, pickled as <c>numpy.core.multiarray.scalar(numpy.dtype('f8', …), bytes)</c>.
/// Scalars of the usual kinds become .NET numbers (double, long, bool); other numpy scalars and
/// arrays, which nothing here reads, become opaque placeholders instead of failing the load.
/// </summary>
public static class NumpyPickles
{
    public static void Register()
    {
        foreach (var module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            Unpickler.registerConstructor(module, "scalar", new ScalarConstructor());
            Unpickler.registerConstructor(module, "_reconstruct", new OpaqueConstructor());
        }
        Unpickler.registerConstructor("numpy", "dtype", new DTypeConstructor());
        Unpickler.registerConstructor("numpy", "ndarray", new OpaqueConstructor());
    }

    /// <summary>A numpy dtype: its type code (<c>f8</c>, <c>i8</c>, <c>b1</c>, …) and byte order.</summary>
    public sealed class DType
    {
        public DType(string code) => Code = code;

        public string Code { get; }

        /// <summary>'&lt;' little, '&gt;' big, '|' not applicable, '=' native (little here).</summary>
        public string ByteOrder { get; private set; } = "=";

        /// <summary>BUILD state: (version, byte order, subarray, names, fields, itemsize, alignment, flags).</summary>
        public void __setstate__(object[] state)
        {
            if (state.Length > 1 && state[1] is string order) ByteOrder = order;
        }
    }

    /// <summary>A numpy object this reader does not convert; kept so the rest of the file loads.</summary>
    public sealed class Opaque
    {
        public void __setstate__(object[] state) { }

        public void __setstate__(System.Collections.Hashtable state) { }
    }

    private sealed class DTypeConstructor : IObjectConstructor
    {
        public object construct(object[] args) => args.Length > 0 && args[0] is string code
            ? new DType(code)
            : throw new InvalidDataException("numpy dtype without a type code");
    }

    private sealed class OpaqueConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new Opaque();
    }

    private sealed class ScalarConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 2 || args[0] is not DType dtype) throw new InvalidDataException("numpy scalar without a dtype");
            // Protocol 2 pickles the value's bytes through _codecs.encode, which Razorvine returns as byte[].
            if (args[1] is not byte[] bytes) return new Opaque();
            var big = dtype.ByteOrder == ">";
            var expected = dtype.Code.Length == 2 && char.IsDigit(dtype.Code[1]) ? dtype.Code[1] - '0' : -1;
            if (expected > 0 && bytes.Length != expected)
                throw new InvalidDataException($"numpy scalar of dtype {dtype.Code} holds {bytes.Length} bytes, not {expected}");
            return dtype.Code switch
            {
                "f8" => big ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                "f4" => (double)(big ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes)),
                "f2" => (double)(big ? BinaryPrimitives.ReadHalfBigEndian(bytes) : BinaryPrimitives.ReadHalfLittleEndian(bytes)),
                "i8" => big ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
                "i4" => (long)(big ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes)),
                "i2" => (long)(big ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes)),
                "i1" => (long)(sbyte)bytes[0],
                "u1" => (long)bytes[0],
                "b1" => bytes[0] != 0,
                _ => new Opaque(),
            };
        }
    }
}

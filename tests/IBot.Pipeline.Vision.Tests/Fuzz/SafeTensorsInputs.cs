using System.Globalization;
using CsCheck;

namespace IBot.Pipeline.Vision.Tests.Fuzz;

/// <summary>
/// Hostile safetensors inputs: a generator of headers whose fields take values chosen to break
/// a reader (negative, huge and overflowing integers, wrong JSON types, unknown dtypes,
/// duplicate names, non-object and invalid JSON, lying header lengths), and named examples.
/// </summary>
public static class SafeTensorsInputs
{
    private static readonly Gen<string> Integer = Gen.OneOf(
        Gen.OneOf("0", "1", "2", "3", "4", "8", "16", "-1", "-9223372036854775808", "9223372036854775807",
            "9223372036854775808", "18446744073709551615", "4611686018427387904", "2147483648", "4294967296",
            "1e3", "1.5", "\"3\"", "null", "[]", "{}", "true"),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.Int[0, 40].Select(i => i.ToString(CultureInfo.InvariantCulture)));

    private static readonly Gen<string> DType = Gen.OneOf(
        "\"F32\"", "\"F64\"", "\"I64\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"F16\"", "\"BF16\"",
        "\"F8_E4M3\"", "\"I8\"", "\"\"", "\"f32\"", "42", "null", "[\"F32\"]");

    private static readonly Gen<string> Integers = Gen.OneOf(
        Integer.Array[0, 4].Select(xs => "[" + string.Join(",", xs) + "]"),
        Gen.OneOf("null", "\"[]\"", "{}", "[[1]]", "[1,"));

    private static readonly Gen<string> Entry = Gen.Select(DType, Integers, Integers, Gen.Int[0, 4],
        (dtype, shape, offsets, omit) =>
        {
            var fields = new List<string>();
            if (omit != 1) fields.Add("\"dtype\":" + dtype);
            if (omit != 2) fields.Add("\"shape\":" + shape);
            if (omit != 3) fields.Add("\"data_offsets\":" + offsets);
            return "{" + string.Join(",", fields) + "}";
        });

    private static readonly Gen<string> Metadata = Gen.OneOf(
        "", "\"__metadata__\":{\"config\":\"{}\"},", "\"__metadata__\":{\"config\":1},", "\"__metadata__\":[],",
        "\"__metadata__\":null,", "\"__metadata__\":{\"a\":\"b\",\"a\":\"c\"},");

    private static readonly Gen<string> Header = Gen.Frequency(
        (8, (IGen<string>)Gen.Select(Metadata, Entry.Array[0, 4], Gen.Bool, (meta, entries, duplicate) =>
            "{" + meta + string.Join(",", entries.Select((e, i) => $"\"{(duplicate ? 0 : i)}\":{e}")) + "}")),
        (1, (IGen<string>)Gen.OneOf("[]", "1", "\"s\"", "null", "true", "{", "{\"a\":}", "", " ", "{}",
            new string('[', 5000) + new string(']', 5000), "{\"a\":" + new string('[', 100) + new string(']', 100) + "}",
            "\u00ff\u00fe", "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")));

    /// <summary>Whole files: a generated header, 0 to 64 data bytes and a true, nearly true or hostile header length.</summary>
    public static readonly Gen<byte[]> Files = Gen.Select(Header, Gen.Int[0, 64], Gen.Int[0, 5], Gen.ULong,
        (header, data, mode, random) =>
        {
            var length = (ulong)System.Text.Encoding.UTF8.GetByteCount(header);
            ulong? declared = mode switch
            {
                0 or 1 => null,
                2 => length + 1,
                3 => length == 0 ? 0 : length - 1,
                4 => random,
                _ => ulong.MaxValue - (random % 16),
            };
            return SafeTensorsFuzzTests.FileOf(header, data, declared);
        });

    /// <summary>The header with one byte of a name replaced by 0xD2, a lead byte with no continuation.</summary>
    private static byte[] InvalidUtf8(string header)
    {
        var bytes = SafeTensorsFuzzTests.FileOf(header, 8);
        bytes[8 + header.IndexOf('t', StringComparison.Ordinal)] = 0xD2;
        return bytes;
    }

    /// <summary>One example of each named malformation.</summary>
    public static byte[] Malformed(string name)
    {
        const string One = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        return name switch
        {
            "header length" => SafeTensorsFuzzTests.FileOf(One, 8, (ulong)One.Length + 9),
            "huge header length" => SafeTensorsFuzzTests.FileOf(One, 8, 1UL << 63),
            // Under the 100 MiB header limit, far past the file: must be refused before allocating it.
            "large header length" => SafeTensorsFuzzTests.FileOf(One, 8, 50_000_000),
            "negative offset" => SafeTensorsFuzzTests.FileOf(One.Replace("[0,8]", "[-8,0]"), 8),
            "offsets outside the data" => SafeTensorsFuzzTests.FileOf(One.Replace("[2]", "[250]").Replace("[0,8]", "[0,1000]"), 8),
            "reversed offsets" => SafeTensorsFuzzTests.FileOf(One.Replace("[0,8]", "[8,0]"), 8),
            "overlapping spans" => SafeTensorsFuzzTests.FileOf(
                "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "unknown dtype" => SafeTensorsFuzzTests.FileOf(One.Replace("F32", "F8_E4M3"), 8),
            "element count overflow" => SafeTensorsFuzzTests.FileOf(One.Replace("[2]", "[4611686018427387904,4]"), 8),
            "shape and span disagree" => SafeTensorsFuzzTests.FileOf(One.Replace("[2]", "[3]"), 8),
            "invalid JSON" => SafeTensorsFuzzTests.FileOf("{\"t\":", 8),
            "non-object JSON" => SafeTensorsFuzzTests.FileOf("[1, 2]", 8),
            "too short" => [1, 0, 0],
            "metadata not a string" => SafeTensorsFuzzTests.FileOf("{\"__metadata__\":{\"config\":{}}}", 0),
            "duplicate name" => SafeTensorsFuzzTests.FileOf(
                "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2),
            "invalid UTF-8" => InvalidUtf8(One),
            "lone surrogate" => SafeTensorsFuzzTests.FileOf("{\"__metadata__\":{\"a\":\"\\ud800\"}}", 0),
            "fractional shape" => SafeTensorsFuzzTests.FileOf(One.Replace("[2]", "[1.5]"), 8),
            _ => throw new ArgumentException(name),
        };
    }
}

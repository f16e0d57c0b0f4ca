using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace IBot.Pipeline.Specs;

/// <summary>
/// The characters a spec may hold, checked before YAML parsing so a bad byte is reported at its
/// line and column instead of surfacing as a parser failure (a NUL made YamlDotNet throw an
/// <see cref="ArgumentException"/> with no position). Files are UTF-8 (a BOM is allowed), or
/// UTF-16/32 with a BOM, as YAML 1.2 says; invalid sequences are errors, never silently replaced
/// (the resolved spec is hashed and saved with each run). Inside the text, YAML's printable set:
/// no control characters other than tab and line breaks, no lone surrogates, no U+FFFE/U+FFFF.
/// </summary>
public static class YamlText
{
    /// <summary>Decodes a spec file's bytes; a <see cref="SpecException"/> at the first invalid byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        var (encoding, bom) = Detect(bytes);
        var body = bytes[bom..];
        try
        {
            return encoding.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            var valid = ValidPrefix(encoding, body);
            var prefix = encoding.GetString(body[..valid]);
            var at = Locate(prefix, prefix.Length, file);
            var shown = Convert.ToHexString(body.Slice(valid, Math.Min(4, body.Length - valid)));
            throw new SpecException([new SpecError(at, $"not valid {encoding.WebName} text: bytes {shown} at offset {bom + valid}")]);
        }
    }

    /// <summary>A <see cref="SpecException"/> at the first character YAML does not allow.</summary>
    public static void CheckCharacters(string text, string file)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (IsPrintable(c)) continue;
            throw new SpecException([new SpecError(Locate(text, i, file),
                $"character U+{(int)c:X4} is not allowed in YAML (control characters other than tab and line breaks, lone surrogates, U+FFFE and U+FFFF are not)")]);
        }
    }

    /// <summary>1-based line and column of <paramref name="index"/> in <paramref name="text"/>.</summary>
    public static SourceLocation Locate(string text, int index, string file)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        return new SourceLocation(file, line, index - lineStart + 1);
    }

    // YAML 1.2 c-printable, less the surrogate pairs handled by the caller.
    private static bool IsPrintable(char c) =>
        c is '\t' or '\n' or '\r' or '\u0085' || c is >= ' ' and <= '~' || c is >= '\u00A0' and <= '\uD7FF' || c is >= '\uE000' and <= '\uFFFD';

    private static (Encoding Encoding, int Bom) Detect(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false, true), 3),
        [0xFF, 0xFE, 0, 0, ..] => (new UTF32Encoding(false, false, true), 4),
        [0, 0, 0xFE, 0xFF, ..] => (new UTF32Encoding(true, false, true), 4),
        [0xFF, 0xFE, ..] => (new UnicodeEncoding(false, false, true), 2),
        [0xFE, 0xFF, ..] => (new UnicodeEncoding(true, false, true), 2),
        _ => (new UTF8Encoding(false, true), 0),
    };

    // The length of the longest prefix that decodes cleanly: where the first invalid sequence starts.
    private static int ValidPrefix(Encoding encoding, ReadOnlySpan<byte> body)
    {
        if (encoding is UTF8Encoding)
        {
            var chars = ArrayPool<char>.Shared.Rent(body.Length + 1);
            try
            {
                Utf8.ToUtf16(body, chars, out var read, out _, replaceInvalidSequences: false);
                return read;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
        // UTF-16/32: one code unit at a time; a sequence starts after the last unit that produced characters.
        var unit = encoding is UTF32Encoding ? 4 : 2;
        var decoder = encoding.GetDecoder();
        Span<char> output = stackalloc char[4];
        var boundary = 0;
        for (var i = 0; i < body.Length; i += unit)
        {
            var end = Math.Min(body.Length, i + unit);
            try
            {
                if (decoder.GetChars(body[i..end], output, flush: end == body.Length) > 0) boundary = end;
            }
            catch (DecoderFallbackException)
            {
                return boundary;
            }
        }
        return boundary;
    }
}

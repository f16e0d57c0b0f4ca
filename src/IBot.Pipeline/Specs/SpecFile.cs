using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Reads the text of a spec file — the one on the command line or an <c>extends</c> target —
/// only when it is a regular file of at most <see cref="YamlSpecReader.MaxBytes"/> bytes
/// (<see cref="RegularFile"/> checks the type before opening: a FIFO would block forever,
/// <c>/dev/zero</c> never ends), decoded strictly (<see cref="YamlText.Decode"/>). Every problem
/// is a <see cref="SpecException"/>: at the <c>extends</c> line for a parent, naming the file
/// for the spec itself.
/// </summary>
public static class SpecFile
{
    /// <summary>The file's text.</summary>
    /// <remarks>display: The name errors use. from: The <c>extends</c> value that named the file, null for the spec itself.</remarks>
    public static string Read(string fullPath, string display, SourceLocation? from)
    {
        byte[] bytes;
        try
        {
            if (RegularFile.Problem(fullPath, out var length) is { } problem) throw Error(display, from, problem == "does not exist" ? "not found" : problem);
            if (length > YamlSpecReader.MaxBytes) throw Error(display, from, $"is {length} bytes; the limit is {YamlSpecReader.MaxBytes}");
            bytes = RegularFile.ReadAllBytes(fullPath, YamlSpecReader.MaxBytes);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Changed between the check and the read, or unreadable: the reason, without the path twice.
            throw Error(display, from, $"cannot be read: {e.Message.Replace(fullPath, "it", StringComparison.Ordinal)}");
        }
        return YamlText.Decode(bytes, display);
    }

    private static SpecException Error(string display, SourceLocation? from, string problem) => from is null
        ? new([new SpecError(SourceLocation.Unknown(display), $"spec file {problem}")])
        : new([new SpecError(from, $"extended spec '{display}' {problem}")]);
}

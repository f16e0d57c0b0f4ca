using System.Buffers.Binary;

namespace IBot.Pipeline.Storage;

/// <summary>
/// What can be told about a LiteDB 5 file from its bytes, before LiteDB opens it. LiteDB "repairs"
/// files it cannot read (it cuts them to whole pages, creates a database in an empty file, and marks
/// a file it found damaged in its header), so a file that fails these checks is refused untouched.
/// The layout is LiteDB 5's: 8 KiB pages, each starting with its own page number and type; the
/// header page holds the format text, the last page number in use and the "invalid" mark.
/// </summary>
public static class LiteFileCheck
{
    public const int PageSize = 8192;

    // Header page: format text at 32, file format version (8) at 59, last page id at 64, and the
    // byte LiteDB sets to 1 when it meets a damaged page ("invalid datafile state") at 191.
    private static readonly byte[] HeaderInfo = "** This is a LiteDB file **"u8.ToArray();
    private const int HeaderInfoOffset = 32;
    private const int FileVersionOffset = 59;
    private const byte FileVersion = 8;
    private const int LastPageIdOffset = 64;
    public const int InvalidMarkOffset = 191;

    // Every page: its number (uint) at 0, its type at 4 (empty, header, collection, index, data).
    private const byte HighestPageType = 4;

    /// <summary>LiteDB's write-ahead log beside <paramref name="path"/> (<c>name-log.ext</c>).</summary>
    public static string LogPath(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, System.IO.Path.GetFileNameWithoutExtension(path) + "-log" + System.IO.Path.GetExtension(path));

    /// <summary>Why the existing file at <paramref name="path"/> cannot be a sound LiteDB 5 database,
    /// from its header page alone; null when it may be one. Reads one page.</summary>
    public static string? HeaderProblem(string path)
    {
        var length = new FileInfo(path).Length;
        // A store writes its header on creation: an existing empty file was cut short, not born empty.
        if (length == 0) return "the file is empty (0 bytes): it was cut short, a store file is never empty";
        if (length % PageSize != 0) return $"{length} bytes is not a whole number of {PageSize}-byte pages: it was cut short or appended to";
        var header = new byte[PageSize];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            stream.ReadExactly(header);
        if (!header.AsSpan(HeaderInfoOffset, HeaderInfo.Length).SequenceEqual(HeaderInfo) || header[FileVersionOffset] != FileVersion)
            return "no LiteDB 5 header";
        if (header[InvalidMarkOffset] != 0) return "LiteDB marked it damaged when it last read it";
        var lastPage = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(LastPageIdOffset));
        var pages = length / PageSize;
        // With a log beside it, pages may still be on their way from the log into the file.
        if (lastPage >= pages && !File.Exists(LogPath(path)))
            return $"its header counts {lastPage + 1} pages but the file holds {pages}: it was cut short";
        return null;
    }

    /// <summary><see cref="HeaderProblem"/>, then every page's own number and type: a page that is not
    /// where it says it is, or of no known type, means lost or overwritten pages. Reads the whole file.</summary>
    public static string? Problem(string path)
    {
        if (HeaderProblem(path) is { } problem) return problem;
        var page = new byte[PageSize];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, PageSize, FileOptions.SequentialScan);
        for (uint number = 0; stream.ReadAtLeast(page, PageSize, throwOnEndOfStream: false) == PageSize; number++)
        {
            var id = BinaryPrimitives.ReadUInt32LittleEndian(page);
            if (id != number || page[4] > HighestPageType || (number == 0) != (page[4] == 1))
                return $"page {number} is not a page of this file (it says page {id}, type {page[4]})";
        }
        return null;
    }

    /// <summary>Whether LiteDB has marked the file damaged (its header's "invalid datafile state" byte).</summary>
    public static bool IsMarkedInvalid(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length < PageSize) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = InvalidMarkOffset;
        return stream.ReadByte() is > 0;
    }

    /// <summary>Clears LiteDB's "damaged" mark, which LiteDB sets on its way out of a unit of work that met
    /// a damaged page; for a file that did not have it, the file is then byte for byte as before the unit.</summary>
    public static void ClearInvalidMark(string path)
    {
        if (!IsMarkedInvalid(path)) return;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Position = InvalidMarkOffset;
        stream.WriteByte(0);
        stream.Flush(flushToDisk: true);
    }
}

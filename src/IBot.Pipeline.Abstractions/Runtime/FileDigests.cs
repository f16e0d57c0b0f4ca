using System.Security.Cryptography;

namespace IBot.Pipeline.Abstractions.Runtime;

/// <summary>
/// SHA-256 of files, each version of a file read once per process. A run hashes every checkpoint
/// it writes for its lineage record and again for <c>evaluations.jsonl</c>; a paper-scale
/// checkpoint is a gigabyte. A version is the full path, length, last write time and a hash of
/// the first and last 64 KiB: write times here tick every 4 ms, so two same-sized rewrites
/// within one tick would otherwise look alike (a checkpoint's header holds its epoch and data
/// position, so consecutive checkpoints differ there).
/// </summary>
public static class FileDigests
{
    private const int Remembered = 32;
    private const int Sample = 64 << 10;
    private static readonly Dictionary<(string Path, long Length, DateTime Written, string Ends), string> Known = [];
    private static readonly Queue<(string, long, DateTime, string)> Order = new();
    private static readonly Lock Gate = new();
    private static long reads;

    /// <summary>Files read so far by this process (a version already known is not read again).</summary>
    public static long Reads => Interlocked.Read(ref reads);

    /// <summary>SHA-256 of the file's bytes, lower-case hex (streamed: checkpoints can be gigabytes).</summary>
    public static string Sha256(string path)
    {
        var full = Path.GetFullPath(path);
        var version = Version(full);
        lock (Gate)
            if (Known.TryGetValue(version, out var known)) return known;
        string sha;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        Interlocked.Increment(ref reads);
        // Remember it only if the file did not change while it was read.
        if (Version(full) != version) return sha;
        lock (Gate)
        {
            if (Known.TryAdd(version, sha))
            {
                Order.Enqueue(version);
                if (Order.Count > Remembered) Known.Remove(Order.Dequeue());
            }
        }
        return sha;
    }

    private static (string, long, DateTime, string) Version(string full)
    {
        var info = new FileInfo(full);
        var length = info.Length; // throws FileNotFoundException for a missing file
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var ends = new byte[(int)Math.Min(length, 2L * Sample)];
        stream.ReadExactly(ends, 0, Math.Min(ends.Length, Sample));
        if (ends.Length > Sample)
        {
            stream.Seek(length - (ends.Length - Sample), SeekOrigin.Begin);
            stream.ReadExactly(ends, Sample, ends.Length - Sample);
        }
        return (full, length, info.LastWriteTimeUtc, Convert.ToHexStringLower(SHA256.HashData(ends)));
    }
}

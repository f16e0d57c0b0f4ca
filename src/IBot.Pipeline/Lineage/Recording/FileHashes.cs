using System.Security.Cryptography;

namespace IBot.Pipeline.Lineage.Recording;

public static class FileHashes
{
    /// <summary>SHA-256 of a file's bytes, lower-case hex (streamed: checkpoints can be gigabytes).</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256Text(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}

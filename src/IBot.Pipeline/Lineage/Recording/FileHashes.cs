using System.Security.Cryptography;
using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Lineage.Recording;

public static class FileHashes
{
    /// <summary>SHA-256 of a file's bytes, lower-case hex; each version of a file is read once per process (<see cref="FileDigests"/>).</summary>
    public static string Sha256(string path) => FileDigests.Sha256(path);

    public static string Sha256Text(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}

using System.Security.Cryptography;
using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Abstractions.Tests.Runtime;

public class FileDigestsTests
{
    private static string Expected(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void A_version_is_read_once_and_a_replaced_file_is_read_again()
    {
        var folder = Directory.CreateTempSubdirectory("ibot-digests-");
        try
        {
            var path = Path.Combine(folder.FullName, "checkpoint.safetensors");
            var first = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
            File.WriteAllBytes(path, first);
            var readsBefore = FileDigests.Reads;
            Assert.Equal(Expected(first), FileDigests.Sha256(path));
            Assert.Equal(Expected(first), FileDigests.Sha256(Path.Combine(folder.FullName, ".", "checkpoint.safetensors")));
            Assert.Equal(1, FileDigests.Reads - readsBefore);

            // Replaced as checkpoints are (a new file renamed over it): same length, other bytes,
            // and the same write time, as two writes within one 4 ms tick of the file system get.
            var second = first.Select(b => (byte)(b ^ 0x5a)).ToArray();
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, second);
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(path));
            File.Move(temp, path, overwrite: true);
            Assert.Equal(Expected(second), FileDigests.Sha256(path));
            Assert.Equal(2, FileDigests.Reads - readsBefore);

            // A large file: only its ends tell same-sized, same-time versions apart.
            var large = new byte[1 << 20];
            new Random(1).NextBytes(large);
            File.WriteAllBytes(path, large);
            var time = File.GetLastWriteTimeUtc(path);
            Assert.Equal(Expected(large), FileDigests.Sha256(path));
            large[^1] ^= 1;
            File.WriteAllBytes(path, large);
            File.SetLastWriteTimeUtc(path, time);
            Assert.Equal(Expected(large), FileDigests.Sha256(path));
            Assert.Equal(4, FileDigests.Reads - readsBefore);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_an_io_error()
    {
        Assert.ThrowsAny<IOException>(() => FileDigests.Sha256(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}")));
    }
}

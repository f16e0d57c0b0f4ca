using System.Reflection;
using IBot.Pipeline.Build;

namespace IBot.Pipeline.Vision.Tests.Runtime;

public class LibStdCxxCompatTests
{
    private static string OriginalBridge()
    {
        var root = typeof(LibStdCxxCompatTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version!;
        return Path.Combine(root, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}",
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void Patching_the_packaged_bridge_makes_the_need_weak_and_is_idempotent()
    {
        var original = OriginalBridge();
        Assert.True(File.Exists(original), original);
        var copy = Path.Combine(Path.GetTempPath(), $"bridge-{Guid.NewGuid():N}.so");
        File.Copy(original, copy);
        try
        {
            Assert.Equal(BridgeState.Required, LibStdCxxCompat.Inspect(copy));
            var before = File.ReadAllBytes(copy);

            Assert.Equal(BridgeState.Patched, LibStdCxxCompat.Patch(copy));
            Assert.Equal(BridgeState.Patched, LibStdCxxCompat.Inspect(copy));
            var after = File.ReadAllBytes(copy);

            // Same size; only the version-need flag and one symbol's version index change.
            Assert.Equal(before.Length, after.Length);
            var changed = Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]);
            Assert.InRange(changed, 2, 4);

            Assert.Equal(BridgeState.Patched, LibStdCxxCompat.Patch(copy));
            Assert.Equal(after, File.ReadAllBytes(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Rejects_a_file_that_is_not_elf()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a library, just some text that is long enough to have a header........");
            Assert.Throws<InvalidDataException>(() => LibStdCxxCompat.Inspect(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Detects_the_version_in_a_libstdcxx_image()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, "xxGLIBCXX_3.4.30\0GLIBCXX_3.4.32\0yy"u8.ToArray());
            Assert.True(LibStdCxxCompat.ProvidesMissingVersion(path));
            File.WriteAllBytes(path, "xxGLIBCXX_3.4.30\0GLIBCXX_3.4.321"u8.ToArray());
            Assert.False(LibStdCxxCompat.ProvidesMissingVersion(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

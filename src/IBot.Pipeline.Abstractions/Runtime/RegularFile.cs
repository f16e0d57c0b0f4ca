using System.Runtime.InteropServices;

namespace IBot.Pipeline.Abstractions.Runtime;

/// <summary>
/// Reads files that users name (specs, <c>extends</c> targets, images) only when they are regular
/// files, and only up to a bound. The type is checked before anything is opened, because opening
/// a named pipe for reading blocks until a writer comes (an <c>extends:</c> naming a FIFO hung
/// <c>ibot</c> for good, deaf to SIGTERM), and reading <c>/dev/zero</c> or <c>/dev/urandom</c>
/// never ends (it ran out of memory). Symbolic links are followed; a loop is reported as one.
/// On Linux the type comes from <c>statx</c>; elsewhere a non-directory of length 0 is refused
/// unopened, which covers pipes and devices (their length is 0) at the price of calling an
/// empty regular file "empty or not a regular file".
/// </summary>
public static class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int ENOENT = 2, ENOTDIR = 20, ELOOP = 40, EACCES = 13, ENAMETOOLONG = 36;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    private static bool statxMissing;

    /// <summary>Why <paramref name="path"/> cannot be read as a regular file ("does not exist",
    /// "is a directory", "is a named pipe (FIFO)" …), or null when it can; its length in <paramref name="length"/>.</summary>
    public static string? Problem(string path, out long length)
    {
        length = 0;
        if (OperatingSystem.IsLinux() && !statxMissing)
        {
            try
            {
                return LinuxProblem(path, out length);
            }
            catch (EntryPointNotFoundException)
            {
                statxMissing = true; // glibc before 2.28: fall back
            }
        }
        return PortableProblem(path, out length);
    }

    /// <summary>The bytes of a regular file of at most <paramref name="maxBytes"/> bytes:
    /// <see cref="InvalidDataException"/> when it is not a regular file or is larger,
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read.</summary>
    public static byte[] ReadAllBytes(string path, int maxBytes)
    {
        if (Problem(path, out var length) is { } problem) throw new InvalidDataException($"{path} {problem}");
        if (length > maxBytes) throw new InvalidDataException($"{path} is {length} bytes; the limit is {maxBytes}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        // Bounded whatever the file does meanwhile: it may have grown, or been swapped for another.
        var buffer = new byte[(int)Math.Min(maxBytes + 1L, Math.Max(length, 4096))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > maxBytes) throw new InvalidDataException($"{path} is larger than {maxBytes} bytes");
                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, 2L * buffer.Length));
            }
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0) break;
            total += read;
        }
        if (total > maxBytes) throw new InvalidDataException($"{path} is larger than {maxBytes} bytes");
        return buffer[..total];
    }

    private static string? LinuxProblem(string path, out long length)
    {
        length = 0;
        var buffer = new byte[256]; // struct statx is 256 bytes, the same layout on every architecture
        if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            return Marshal.GetLastPInvokeError() switch
            {
                ENOENT or ENOTDIR => "does not exist",
                ELOOP => "is a loop of symbolic links",
                EACCES => "cannot be read (permission denied)",
                ENAMETOOLONG => "is a path too long",
                var errno => $"cannot be read ({Marshal.GetPInvokeErrorMessage(errno)})",
            };
        var mode = MemoryMarshal.Read<ushort>(buffer.AsSpan(28)) & 0xF000;
        length = (long)MemoryMarshal.Read<ulong>(buffer.AsSpan(40));
        return mode switch
        {
            0x8000 => null,
            0x4000 => "is a directory, not a file",
            0x1000 => "is a named pipe (FIFO), not a regular file",
            0x2000 => "is a character device, not a regular file",
            0x6000 => "is a block device, not a regular file",
            0xC000 => "is a socket, not a regular file",
            _ => "is not a regular file",
        };
    }

    private static string? PortableProblem(string path, out long length)
    {
        length = 0;
        FileSystemInfo info = new FileInfo(path);
        try
        {
            if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        }
        catch (IOException)
        {
            return "is a loop of symbolic links";
        }
        if (Directory.Exists(info.FullName)) return "is a directory, not a file";
        if (info is not FileInfo { Exists: true } file) return "does not exist";
        length = file.Length;
        return length == 0 ? "is empty or not a regular file" : null;
    }
}

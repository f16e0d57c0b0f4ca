// One source, two consumers: the MSBuild inline task in TorchSharpNativeFix.targets compiles
// this whole file; the product links it with IBOT_RUNTIME defined (no MSBuild types) so that
// `ibot doctor` can report whether the fix is in use.
//
// Why the fix exists: TorchSharp 0.107's native bridge libLibTorchSharp.so was linked against
// GCC 13's libstdc++ and so requires the symbol version GLIBCXX_3.4.32, which GCC 12's
// libstdc++ (Debian 12, Ubuntu 22.04) lacks. The only symbol bound to that version is
// std::ios_base_library_init(), which GCC 13's <iostream> references purely to force that
// version requirement (no relocation ever uses it). On an older libstdc++ the iostreams are
// initialised by the static std::ios_base::Init objects that libc10.so and libtorch_cpu.so
// (dependencies of the bridge, hence initialised first) carry. So marking the version need
// weak and clearing that one symbol's version makes the bridge load and behave identically.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace IBot.Pipeline.Build
{
    /// <summary>Outcome of inspecting or patching the TorchSharp native bridge.</summary>
    public enum BridgeState
    {
        /// <summary>The library does not require GLIBCXX_3.4.32 at all.</summary>
        NotRequired,
        /// <summary>It requires GLIBCXX_3.4.32 (fine where the system libstdc++ has it).</summary>
        Required,
        /// <summary>The requirement is weak and the symbol unversioned: the fix is applied.</summary>
        Patched,
    }

    /// <summary>Minimal ELF64 little-endian editor for the symbol-version sections.</summary>
    public static class LibStdCxxCompat
    {
        public const string MissingVersion = "GLIBCXX_3.4.32";

        /// <summary>The only symbols allowed to carry <see cref="MissingVersion"/>: anything else
        /// would be a real dependency on GCC 13 and must not be papered over.</summary>
        public static readonly string[] HarmlessSymbols = { "_ZSt21ios_base_library_initv" };

        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const ushort VerFlgWeak = 0x2;
        private const ushort VerNdxGlobal = 1;

        /// <summary>Candidate paths of the system C++ runtime, most specific first.</summary>
        public static readonly string[] SystemLibStdCxxPaths =
        {
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The system libstdc++ path, or null when none is found.</summary>
        public static string? FindSystemLibStdCxx()
        {
            foreach (var p in SystemLibStdCxxPaths)
                if (File.Exists(p)) return p;
            return null;
        }

        /// <summary>True when the given libstdc++ defines the version the bridge needs.</summary>
        public static bool ProvidesMissingVersion(string libStdCxxPath)
        {
            var bytes = File.ReadAllBytes(libStdCxxPath);
            var needle = Encoding.ASCII.GetBytes(MissingVersion + "\0");
            return IndexOf(bytes, needle) >= 0;
        }

        /// <summary>True when this machine needs the fix: a Linux x64 whose system libstdc++ is
        /// found and lacks <see cref="MissingVersion"/>.</summary>
        public static bool SystemNeedsFix()
        {
            var lib = FindSystemLibStdCxx();
            return lib != null && !ProvidesMissingVersion(lib);
        }

        public static BridgeState Inspect(string path) => Process(File.ReadAllBytes(path), patch: false);

        /// <summary>Patches <paramref name="path"/> in place (temp file and rename) and returns
        /// its state afterwards. Idempotent.</summary>
        public static BridgeState Patch(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var before = Process(bytes, patch: false);
            if (before != BridgeState.Required) return before;
            var after = Process(bytes, patch: true);
            var tmp = path + ".patching";
            File.WriteAllBytes(tmp, bytes);
            // Rename over the original so a reader never sees a half-written library.
            File.Replace(tmp, path, null);
            return after;
        }

        private readonly struct Section
        {
            public readonly uint Type;
            public readonly long Offset;
            public readonly long Size;
            public readonly int Link;
            public readonly int Info;

            public Section(uint type, long offset, long size, int link, int info)
            {
                Type = type; Offset = offset; Size = size; Link = link; Info = info;
            }
        }

        private static BridgeState Process(byte[] elf, bool patch)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");

            var sections = ReadSections(elf);
            int verneedIdx = sections.FindIndex(s => s.Type == ShtGnuVerneed);
            if (verneedIdx < 0) return BridgeState.NotRequired;
            var verneed = sections[verneedIdx];
            var strtab = sections[verneed.Link];

            // Walk the version needs to the entry naming the missing version.
            int versionIndex = -1;
            bool weak = false;
            long vn = verneed.Offset;
            for (int i = 0; i < verneed.Info; i++)
            {
                ushort cnt = U16(elf, vn + 2);
                long aux = vn + U32(elf, vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    string name = CString(elf, strtab.Offset + U32(elf, aux + 8));
                    if (name == MissingVersion)
                    {
                        ushort flags = U16(elf, aux + 4);
                        versionIndex = U16(elf, aux + 6);
                        weak = (flags & VerFlgWeak) != 0;
                        if (patch) W16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                    }
                    aux += U32(elf, aux + 12);
                }
                vn += U32(elf, vn + 12);
            }
            if (versionIndex < 0) return BridgeState.NotRequired;

            // Symbols still bound to that version: only the harmless one may be, and it is cleared.
            var versym = sections.Find(s => s.Type == ShtGnuVersym);
            int dynsymIdx = sections.FindIndex(s => s.Type == ShtDynsym);
            bool anyBound = false;
            if (versym.Size > 0 && dynsymIdx >= 0)
            {
                var dynsym = sections[dynsymIdx];
                var dynstr = sections[dynsym.Link];
                long count = dynsym.Size / 24;
                for (long k = 0; k < count; k++)
                {
                    long vsOff = versym.Offset + 2 * k;
                    if ((U16(elf, vsOff) & 0x7fff) != versionIndex) continue;
                    string sym = CString(elf, dynstr.Offset + U32(elf, dynsym.Offset + 24 * k));
                    if (Array.IndexOf(HarmlessSymbols, sym) < 0)
                        throw new InvalidDataException(
                            $"symbol '{sym}' needs {MissingVersion}; this libstdc++ cannot provide it and the compat fix does not cover it");
                    anyBound = true;
                    if (patch) W16(elf, vsOff, VerNdxGlobal);
                }
            }
            if (patch) return BridgeState.Patched;
            return weak && !anyBound ? BridgeState.Patched : BridgeState.Required;
        }

        private static List<Section> ReadSections(byte[] elf)
        {
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            if (shoff == 0 || shnum == 0) throw new InvalidDataException("ELF file has no section headers");
            var list = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                list.Add(new Section(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32),
                    (int)U32(elf, h + 40), (int)U32(elf, h + 44)));
            }
            return list;
        }

        // The MSBuild task compiles against netstandard, so no span helpers.
        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }

        private static ushort U16(byte[] b, long o) => BitConverter.ToUInt16(b, checked((int)o));
        private static uint U32(byte[] b, long o) => BitConverter.ToUInt32(b, checked((int)o));
        private static ulong U64(byte[] b, long o) => BitConverter.ToUInt64(b, checked((int)o));
        private static void W16(byte[] b, long o, ushort v) => BitConverter.GetBytes(v).CopyTo(b, checked((int)o));

        private static string CString(byte[] b, long o)
        {
            int start = checked((int)o);
            int end = Array.IndexOf(b, (byte)0, start);
            return Encoding.ASCII.GetString(b, start, end - start);
        }
    }

#if !IBOT_RUNTIME
    /// <summary>MSBuild task: patches every libLibTorchSharp.so under <see cref="Directory"/>
    /// when the system libstdc++ lacks GLIBCXX_3.4.32; does nothing elsewhere.</summary>
    public sealed class PatchTorchSharpBridge : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string Directory { get; set; } = "";

        public bool Force { get; set; }

        public override bool Execute()
        {
            if (!System.IO.Directory.Exists(Directory)) return true;
            if (!Force && !LibStdCxxCompat.SystemNeedsFix()) return true;
            foreach (var lib in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    var state = LibStdCxxCompat.Patch(lib);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"libstdc++ compat: {lib}: {state}");
                }
                catch (Exception e)
                {
                    Log.LogError($"libstdc++ compat: cannot patch {lib}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}

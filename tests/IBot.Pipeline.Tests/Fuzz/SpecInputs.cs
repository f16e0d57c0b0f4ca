using System.Text;
using CsCheck;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>The spec fuzzers' material: the repository's specs as bytes, the fragments that
/// break YAML parsers (brackets, quotes, anchors, tags, tabs, NULs, BOMs, bytes that are not
/// UTF-8), and generators of mutated specs and of YAML documents from a small grammar.</summary>
public static class SpecInputs
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Every spec in <c>specs/</c>, by path relative to the repository, as bytes.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Specs { get; } = Directory
        .EnumerateFiles(Path.Combine(RepoRoot, "specs"), "*.yaml", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => (Path.GetRelativePath(RepoRoot, p), File.ReadAllBytes(p)))
        .ToList();

    /// <summary>Fragments spliced into specs: YAML's indicators and the bytes parsers trip on.</summary>
    public static IReadOnlyList<byte[]> Fragments { get; } =
    [
        .. new[]
        {
            "[", "]", "{", "}", "'", "\"", ",", ":", ": ", "- ", "? ", "#", "&a ", "*a", "&b [", "*b", "!!str ", "!!python/object:os.system ",
            "!x ", "!<tag:x> ", "|\n", ">-\n", "|2\n", "---\n", "...\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "<<: *a\n", "\t", "\n", "\r", "\r\n",
            " ", "    ", "\0", "\u0001", "\u007F", "\u0085", "\u2028", "\uFEFF", "\uFFFF", "~", "null", "1e999", "-.inf", ".nan", "0x1F", "0o17",
            "99999999999999999999", "\"\\u0000\"", "\"\\x\"", "'it''s'", "\\", "@", "`", "%", "extends: ", "sweep:\n  grid: {", "schedule: \"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xFE, 0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80],
    ];

    /// <summary>A spec with 1–8 edits: bytes replaced, fragments inserted, spans deleted or duplicated.</summary>
    public static Gen<byte[]> MutatedSpec { get; } =
        from spec in Gen.Int[0, Specs.Count - 1]
        from edits in Gen.Select(Gen.Int[0, 3], Gen.Double.Unit, Gen.Int[0, Fragments.Count - 1], Gen.Int[1, 64]).Array[1, 8]
        select Edit(Specs[spec].Bytes, edits);

    private static byte[] Edit(byte[] original, (int Op, double At, int Fragment, int Length)[] edits)
    {
        var bytes = original.ToList();
        foreach (var (op, at, fragment, length) in edits)
        {
            var i = (int)(at * bytes.Count);
            var n = Math.Min(length, bytes.Count - i);
            switch (op)
            {
                case 0 when i < bytes.Count: bytes[i] = Fragments[fragment][0]; break;
                case 1: bytes.InsertRange(i, Fragments[fragment]); break;
                case 2: bytes.RemoveRange(i, n); break;
                default: bytes.InsertRange(i, bytes.GetRange(i, n)); break;
            }
        }
        return [.. bytes];
    }

    /// <summary>YAML documents from a small grammar: nested block and flow collections, anchors
    /// and aliases (sometimes dangling or recursive), tags, quoted and block scalars, odd keys.</summary>
    public static Gen<string> Document { get; } = Gen.Recursive<string>((depth, node) =>
    {
        var scalar = Gen.OneOf("x", "1", "-2.5e-3", "true", "null", "~", "''", "\"a\\nb\"", "'q''t'", "|\n  block\n", ">-\n  folded\n", ".inf", "0x10", "99999999999999999999999");
        var decorated = Gen.Select(Gen.OneOf("", "", "", "&a ", "&b ", "!!str ", "!!map ", "!!python/name:os.system ", "!local "), scalar, (d, s) => d + s);
        var alias = Gen.OneOf("*a", "*b", "*c");
        var key = Gen.OneOf("name", "seed", "kind", "train", "extends", "sweep", "a", "b", "a", "? complex", "\"q\\tkey\"", "k k", "0", "-");
        if (depth >= 6) return Gen.OneOf(decorated, alias);
        var flowSeq = node.Array[0, 4].Select(items => "[" + string.Join(", ", items.Select(Flat)) + "]");
        var flowMap = Gen.Select(key, node).Array[0, 4].Select(entries => "{" + string.Join(", ", entries.Select(e => $"{e.Item1}: {Flat(e.Item2)}")) + "}");
        var blockMap = Gen.Select(key, node).Array[1, 4].Select(entries => "\n" + string.Join("\n", entries.Select(e => $"{e.Item1}: {Indent(e.Item2)}")));
        var blockSeq = node.Array[1, 4].Select(items => "\n" + string.Join("\n", items.Select(i => "- " + Indent(i))));
        return Gen.Frequency<string>((4, decorated), (1, alias), (2, flowSeq), (2, flowMap), (2, blockMap), (2, blockSeq));
    }).Select(doc => doc.TrimStart('\n'));

    private static string Flat(string node) => node.Replace('\n', ' ');

    private static string Indent(string node) => node.Replace("\n", "\n  ");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IBot.Pipeline.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }
}

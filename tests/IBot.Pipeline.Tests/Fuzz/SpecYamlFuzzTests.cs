using System.Text;
using CsCheck;
using IBot.Pipeline.Specs;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// Spec YAML under attack: every spec in <c>specs/</c> cut at every byte, an unclosed bracket or
/// quote inserted at every position, random edits, generated documents, and hand-made hostile
/// ones (alias bombs, deep nesting of every kind, documents at the size limit, BOMs, NULs).
/// Whatever happens, the reader and the validator end in bounds with one-line SpecErrors at
/// file:line:col (<see cref="SpecProperty"/>).
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SpecYamlFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_spec_cut_at_every_byte()
    {
        var cases = 0;
        foreach (var (name, bytes) in SpecInputs.Specs)
            for (var cut = 0; cut <= bytes.Length; cut++, cases++)
                Exhaustive(name, $"cut at {cut}", () => SpecProperty.HoldsForBytes(bytes[..cut]));
        output.WriteLine($"{cases} truncations");
    }

    [Fact]
    public void An_unclosed_bracket_or_quote_at_every_position()
    {
        // The quickstart in the suite; every spec in a longer run.
        var specs = FuzzRunner.Long ? SpecInputs.Specs : SpecInputs.Specs.Where(s => s.Name.EndsWith("quickstart.yaml", StringComparison.Ordinal)).ToList();
        var cases = 0;
        foreach (var (name, bytes) in specs)
            foreach (var opener in FuzzRunner.Long ? new[] { "[", "{", "\"", "'", "[{", "{ a: [" } : new[] { "[", "{", "\"", "'" })
                for (var at = 0; at <= bytes.Length; at++, cases++)
                {
                    var edited = bytes[..at].Concat(Encoding.ASCII.GetBytes(opener)).Concat(bytes[at..]).ToArray();
                    Exhaustive(name, $"'{opener}' at {at}", () => SpecProperty.HoldsForBytes(edited));
                }
        output.WriteLine($"{cases} insertions");
    }

    [Fact]
    public void Random_edits_of_every_spec() =>
        output.WriteLine($"{FuzzRunner.Check("spec edits", 1, SpecInputs.MutatedSpec, SpecProperty.HoldsForBytes, 3000)} cases");

    [Fact]
    public void Generated_documents() =>
        output.WriteLine($"{FuzzRunner.Check("yaml documents", 2, SpecInputs.Document, SpecProperty.HoldsForText, 3000)} cases");

    public static TheoryData<string, string> Hostile()
    {
        var data = new TheoryData<string, string>();
        foreach (var width in new[] { 2, 10, 50 })
        {
            var lines = new List<string> { $"a0: &a0 [{string.Join(", ", Enumerable.Repeat("x", width))}]" };
            for (var i = 1; i < 12; i++) lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", width))}]");
            data.Add($"alias bomb, width {width}", string.Join('\n', lines));
        }
        data.Add("alias to its own container", "a: &a [*a]");
        data.Add("mapping alias bomb", "a: &a {x: 1, y: 1}\n" + string.Join('\n', Enumerable.Range(1, 20).Select(i => $"b{i}: &b{i} {{p: *{(i == 1 ? "a" : $"b{i - 1}")}, q: *{(i == 1 ? "a" : $"b{i - 1}")}}}")));
        foreach (var (open, close) in new[] { ("[", "]"), ("{a: ", "}"), ("[{a: ", "}]") })
            foreach (var depth in new[] { 65, 5_000, (YamlSpecReader.MaxBytes - 10) / (open.Length + close.Length) })
            {
                data.Add($"{open} nested {depth} deep, closed", "x: " + Repeat(open, depth) + "1" + Repeat(close, depth));
                data.Add($"{open} nested {depth} deep, unclosed", "x: " + Repeat(open, depth));
            }
        data.Add("block mappings 1,400 deep", string.Concat(Enumerable.Range(0, 1_400).Select(i => new string(' ', i) + "k:\n")));
        data.Add("block sequences 100,000 deep on one line", Repeat("- ", 100_000) + "x");
        data.Add("a document past the size limit", "name: x\n" + Repeat("# comment\n", YamlSpecReader.MaxBytes / 10));
        data.Add("70,000 keys", string.Concat(Enumerable.Range(0, 70_000).Select(i => $"k{i}: {i}\n")));
        data.Add("100,000 list items", "x:\n" + Repeat("- 1\n", 100_000));
        data.Add("a 1 MiB scalar", "name: " + new string('n', YamlSpecReader.MaxBytes - 10));
        data.Add("one character over the limit", "name: " + new string('n', YamlSpecReader.MaxBytes - 5));
        data.Add("a long line of commas", "x: [" + Repeat(",", 500_000) + "]");
        data.Add("a quoted string that never ends", "name: \"" + Repeat("\\\"", 200_000));
        data.Add("a BOM then a spec", "\uFEFFname: x\nseed: 1\n");
        data.Add("BOMs between keys", "name: x\n\uFEFFseed: 1\n\uFEFF");
        data.Add("NULs", "name: x\0\nseed: 1\n");
        data.Add("tabs as indentation", "data:\n\ttrain: {kind: folder}\n");
        data.Add("many documents", Repeat("---\na: 1\n", 10_000));
        data.Add("directives only", "%YAML 1.2\n%TAG ! tag:x,2000:\n");
        data.Add("an anchor on every node", string.Concat(Enumerable.Range(0, 10_000).Select(i => $"k{i}: &x{i} {i}\n")));
        data.Add("aliases to scalars as keys", "a: &k name\n*k : 2\n");
        data.Add("complex keys", "? [a, b]\n: 1\n? {c: d}\n: 2\n");
        data.Add("merge keys", "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n");
        return data;
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_documents(string what, string text)
    {
        Assert.NotEmpty(what);
        SpecProperty.HoldsForText(text);
    }

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static void Exhaustive(string spec, string edit, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e)
        {
            throw new FuzzFailure($"{spec}, {edit}: {e.GetType().Name}: {e.Message}", e);
        }
    }
}

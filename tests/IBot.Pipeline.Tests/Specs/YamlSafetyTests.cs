using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Tests.Specs;

public sealed class YamlSafetyTests
{
    [Fact]
    public void Tags_never_instantiate_types()
    {
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read("name: !!python/object:os.system x\n", "t.yaml"));
        Assert.Contains("tag", e.Errors[0].Message);
        Assert.Equal(1, e.Errors[0].Location.Line);
    }

    [Fact]
    public void Alias_expansion_is_bounded()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 8; i++) lines.Add($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]");
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read(string.Join('\n', lines), "bomb.yaml"));
        Assert.Contains("alias expansion", e.Errors[0].Message);
    }

    [Fact]
    public void Nesting_and_size_are_bounded()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));
        Assert.Contains("nesting", Assert.Throws<SpecException>(() => YamlSpecReader.Read("x: " + deep, "deep.yaml")).Errors[0].Message);
        var big = "x: '" + new string('a', YamlSpecReader.MaxBytes) + "'";
        Assert.Contains("limit", Assert.Throws<SpecException>(() => YamlSpecReader.Read(big, "big.yaml")).Errors[0].Message);
    }

    [Fact]
    public void Duplicate_keys_are_errors()
    {
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read("a: 1\nb: 2\na: 3\n", "dup.yaml"));
        Assert.Equal((3, 1), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
    }

    [Theory]
    [InlineData("name: x\nseed: [1,\n2", 3, 1, "'[' at line 2, column 7")]      // an unterminated list whose next line is not indented
    [InlineData("name: x\nseed: [1,\n2]", 3, 1, "'[' at line 2, column 7")]     // closed, but the same indentation problem
    [InlineData("seed: {\na: 1", 2, 1, "'{' at line 1, column 7")]
    public void Flow_collections_the_scanner_fails_on_are_spec_errors_at_their_position(string text, int line, int column, string names)
    {
        // YamlDotNet's scanner threw InvalidOperationException here, which crashed ibot with a stack trace (exit 134).
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read(text, "f.yaml"));
        Assert.Equal((line, column), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
        Assert.StartsWith("invalid YAML: ", e.Errors[0].Message);
        Assert.Contains(names, e.Errors[0].Message);
    }

    [Theory]
    [InlineData("\0: o", 1, 1, "U+0000")]                 // YamlDotNet threw ArgumentException ("unsupported event type") with no position
    [InlineData("a: 1\nb: x\u0001y\n", 2, 5, "U+0001")]
    [InlineData("a: \uFFFF\n", 1, 4, "U+FFFF")]
    public void Characters_yaml_does_not_allow_are_errors_at_their_position(string text, int line, int column, string named)
    {
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read(text, "f.yaml"));
        Assert.Equal((line, column), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
        Assert.Contains(named, e.Errors[0].Message);
    }

    [Fact]
    public void A_lone_surrogate_is_an_error_at_its_position()
    {
        // Built at run time: attribute arguments cannot carry a lone surrogate.
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read("a: " + (char)0xD800 + "\n", "f.yaml"));
        Assert.Equal((1, 4), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
        Assert.Contains("U+D800", e.Errors[0].Message);
    }

    [Fact]
    public void Deep_flow_nesting_is_bounded_before_the_parser_recurses()
    {
        // 300,000 '[' fit the size limit; YamlStream.Load recursed once per level and overflowed the stack.
        var text = "x: " + new string('[', 300_000) + new string(']', 300_000);
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read(text, "deep.yaml"));
        Assert.Contains($"nesting deeper than {YamlSpecReader.MaxDepth} levels", e.Errors[0].Message);
    }

    [Fact]
    public void Aliases_are_copies_and_expansion_depth_counts()
    {
        var tree = (SpecMapping)YamlSpecReader.Read("a: &a {k: [1, 2]}\nb: *a\n", "t.yaml");
        ((SpecMapping)tree["b"]!).Set(new SpecScalar(tree.Location, "k"), new SpecScalar(tree.Location, "3"));
        Assert.IsType<SpecSequence>(((SpecMapping)tree["a"]!)["k"]);   // changing the copy leaves the anchor alone
        var deep = "a: &a " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', 40) + "*a" + new string(']', 40) + "\n";
        Assert.Contains("nesting", Assert.Throws<SpecException>(() => YamlSpecReader.Read(deep, "t.yaml")).Errors[0].Message);
        Assert.Contains("contains it", Assert.Throws<SpecException>(() => YamlSpecReader.Read("a: &a [1, *a]\n", "t.yaml")).Errors[0].Message);
    }

    [Fact]
    public void Messages_that_quote_line_breaks_stay_on_one_line()
    {
        var e = Assert.Throws<SpecException>(() => YamlSpecReader.Read("\"a\\nb\": 1\n\"a\\nb\": 2\n", "t.yaml"));
        Assert.Equal("t.yaml:2:1: duplicate key 'a\\nb'", e.Errors[0].ToString());
    }
}

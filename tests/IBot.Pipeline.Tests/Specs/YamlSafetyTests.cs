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
}

using IBot.Pipeline.Specs;
using IBot.Pipeline.Tests.Specs;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>What every spec fuzzer asserts: reading, composing and validating text or bytes ends,
/// within bounds, either well or with a <see cref="SpecException"/> whose every error is one
/// line that names the file, a line and a column.</summary>
public static class SpecProperty
{
    public const string File = "fuzz.yaml";

    /// <summary>Managed bytes one case may allocate: a 1 MiB spec expands to a tree, errors and suggestions.</summary>
    public const long MaxMegabytes = 512;

    private static readonly SpecValidator Validator = new(TestCatalog.Create());

    /// <summary>Spec file bytes: decoded, read, validated and, when valid, expanded.</summary>
    public static void HoldsForBytes(byte[] bytes) => Holds(() => Validate(YamlText.Decode(bytes, File)));

    /// <summary>Spec text: read, validated and, when valid, expanded.</summary>
    public static void HoldsForText(string text) => Holds(() => Validate(text));

    /// <summary>Any action over specs: ends in bounds, throws only well-formed <see cref="SpecException"/>s.</summary>
    public static void Holds(Action action, bool positioned = true)
    {
        var error = Bounded.Run<SpecException>(action, MaxMegabytes);
        if (error is null) return;
        Assert.NotEmpty(error.Errors);
        foreach (var e in error.Errors)
        {
            var line = e.ToString();
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\r', line);
            if (!positioned) continue;
            Assert.True(e.Location.Line >= 1 && e.Location.Column >= 1, $"no line and column: {line}");
        }
    }

    private static void Validate(string text)
    {
        var tree = SpecComposer.Parse(text, File);
        SweepExpander.Check(tree);
        Validator.Validate(tree, File);
    }
}

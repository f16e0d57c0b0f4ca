using CsCheck;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// The <c>--where</c> and <c>--sort</c> languages: random token sequences, expressions from the
/// grammar with random nesting, huge and malformed numbers, unterminated strings, odd characters
/// and whitespace. Planning and running a query over a few runs ends in bounds and throws only
/// <see cref="QueryException"/>, whose message is one line and whose column lies within the text.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class QueryFuzzTests(ITestOutputHelper output)
{
    private static readonly Gen<string> Field = Gen.OneOf(
        "name", "status", "kind", "created", "sweep", "id", "spec", "device", "params.train.optimizer.lr", "params.masking.ratio.1",
        "metrics.knn_top1", "metrics.loss.best", "metrics.knn_top1.max", "metrics.", "params.", "nmae", "x.y-z", "_", "metrics.a.b.min");

    private static readonly Gen<string> Literal = Gen.OneOf(
        "0", "-1", "5e-4", "1e308", "1e309", "-1e400", "99999999999999999999999999", ".5", "1.2.3", "5e-4x", "+.e", "-", "'alpha'", "\"b\"",
        "'completed'", "'complted'", "'2026-11-01'", "'2026-13-45'", "'not a date'", "'%a_%'", "'it''s'", "''", "'unterminated", "\"also",
        "true", "false", "'\n'", "'\t'");

    private static readonly Gen<string> Token = Gen.OneOf(Field, Literal,
        Gen.OneOf("and", "or", "not", "in", "like", "AND", "Not", "(", ")", ",", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "=<", "!", "@", "#",
            ";", "\0", "é", "\u00A0", "\t", "\n", "[", "]", "%", "*", "..", "-.", "'"));

    private static readonly Gen<string> TokenSoup = Token.Array[0, 40].Select(t => string.Join(" ", t));

    /// <summary>Mostly well-formed expressions, nested a random amount, with the odd broken piece.</summary>
    private static readonly Gen<string> Expression = Gen.Recursive<string>((depth, expr) =>
    {
        var op = Gen.OneOf("=", "!=", "<", "<=", ">", ">=");
        var comparison = Gen.OneOf(
            Gen.Select(Field, op, Literal, (f, o, l) => $"{f} {o} {l}"),
            Gen.Select(Field, Literal.Array[1, 4], Gen.Bool, (f, ls, not) => $"{f} {(not ? "not " : "")}in ({string.Join(", ", ls)})"),
            Gen.Select(Field, Literal, (f, l) => $"{f} like {l}"));
        if (depth >= 8) return comparison;
        return Gen.Frequency<string>(
            (4, comparison),
            (2, Gen.Select(expr, expr, Gen.OneOf("and", "or"), (a, b, o) => $"{a} {o} {b}")),
            (1, expr.Select(e => $"not {e}")),
            (1, expr.Select(e => $"({e})")),
            (1, Gen.Select(Gen.Int[1, 400], expr, (n, e) => new string('(', n) + e + new string(')', n))),
            (1, Gen.Select(Gen.Int[1, 400], expr, (n, e) => string.Concat(Enumerable.Repeat("not ", n)) + e)));
    });

    private static readonly Gen<string> Sort = Gen.OneOf(Field, Gen.OneOf("-created", "created desc", "name:asc", "", "  ", "-", "a b", "desc", "name desc desc", "'x'", "1"));

    private static void Holds(string where, string sort)
    {
        var error = Bounded.Run<QueryException>(() =>
        {
            var plan = RunQueryPlan.Create(new RunQuery(where, sort, 5));
            var values = new LineageValue[] { LineageValue.Of("alpha"), LineageValue.Of(5e-4), LineageValue.Of(true), default, LineageValue.Of(new string('a', 200)) };
            plan.Execute(values.Length, _ => values);
        }, maxMegabytes: 256);
        if (error is null) return;
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Column >= 1 && error.Column <= error.Text.Length + 1, $"column {error.Column} outside '{error.Text}'");
    }

    [Fact]
    public void Random_token_sequences() =>
        output.WriteLine($"{FuzzRunner.Check("--where tokens", 6, Gen.Select(TokenSoup, Sort), q => Holds(q.Item1, q.Item2), 4000)} cases");

    [Fact]
    public void Generated_expressions() =>
        output.WriteLine($"{FuzzRunner.Check("--where expressions", 7, Expression, e => Holds(e, "name"), 2000)} cases");

    [Theory]
    [InlineData(25_000, "(", ")")]
    [InlineData(15_000, "not ", "")]
    [InlineData(20_000, "name = 'a' or ", "")]
    [InlineData(20_000, "(name = 'a') and ", "")]
    [InlineData(100_000, "'", "")]
    [InlineData(100_000, "9", "")]
    public void Long_and_deep_expressions(int count, string repeated, string closing) =>
        Holds(string.Concat(Enumerable.Repeat(repeated, count)) + "name = 'x'" + string.Concat(Enumerable.Repeat(closing, count)), "name");
}

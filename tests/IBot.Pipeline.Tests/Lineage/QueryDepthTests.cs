using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>Expressions the parser and the evaluator must survive: nesting past the bound is a
/// QueryException at the column where it goes too deep (it was a stack overflow that aborted
/// ibot), long flat chains parse and run, and like patterns run in linear time.</summary>
public sealed class QueryDepthTests
{
    private static (int Matched, int[] Ordinals) Run(string where, params string[] names)
    {
        var plan = RunQueryPlan.Create(new RunQuery(where, "name"));
        return plan.Execute(names.Length, _ => names.Select(LineageValue.Of).ToArray());
    }

    [Fact]
    public void Parentheses_nested_past_the_bound_are_an_error_at_the_first_one_too_deep()
    {
        var where = new string('(', 25_000) + "name = 'a'" + new string(')', 25_000);
        var e = Assert.Throws<QueryException>(() => RunQueryPlan.Create(new RunQuery(where)));
        Assert.Equal(QueryParser.MaxDepth + 1, e.Column);
        Assert.Contains($"deeper than {QueryParser.MaxDepth}", e.Message);
        Assert.StartsWith($"--where: column {QueryParser.MaxDepth + 1}:", e.Message);
    }

    [Fact]
    public void Nots_nested_past_the_bound_are_an_error_at_the_first_one_too_deep()
    {
        var where = string.Concat(Enumerable.Repeat("not ", 15_000)) + "name = 'a'";
        var e = Assert.Throws<QueryException>(() => RunQueryPlan.Create(new RunQuery(where)));
        Assert.Equal(4 * QueryParser.MaxDepth + 1, e.Column);
    }

    [Fact]
    public void Nesting_up_to_the_bound_still_works()
    {
        var depth = QueryParser.MaxDepth;
        var where = new string('(', depth / 2) + string.Concat(Enumerable.Repeat("not ", depth / 2)) + "name = 'a'" + new string(')', depth / 2);
        Assert.Equal(1, Run(where, "a", "b").Matched);
    }

    [Fact]
    public void Long_flat_chains_of_and_and_or_parse_and_run()
    {
        // 20,000 terms: a left-deep tree made Fields() and Compile() recurse once per term.
        var or = string.Join(" or ", Enumerable.Range(0, 20_000).Select(i => $"name = 'n{i}'"));
        Assert.Equal([1], Run(or, "x", "n19999", "y").Ordinals);
        var and = string.Join(" and ", Enumerable.Range(0, 20_000).Select(i => $"name != 'n{i}'"));
        Assert.Equal([0, 2], Run(and, "x", "n7", "y").Ordinals);
    }

    [Fact]
    public async Task Like_patterns_run_in_linear_time()
    {
        // A backtracking regex takes exponential time here: '%a' twenty times against 60 a's and no b.
        var where = "name like '" + string.Concat(Enumerable.Repeat("%a", 20)) + "%b'";
        var run = Task.Run(() => Run(where, new string('a', 60), "ab"));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal(0, (await run).Matched);
        Assert.Equal(1, Run("name like '%%%a%%b%%'", "xaxbx", "ba").Matched);
    }

    [Theory]
    [InlineData("status = 'a\nb'")]             // found by fuzzing: the message quoted the newline
    [InlineData("created = '\n'")]
    [InlineData("name = 'x' and\n\u0001")]
    public void Messages_that_quote_line_breaks_stay_on_one_line(string where)
    {
        var e = Assert.Throws<QueryException>(() => RunQueryPlan.Create(new RunQuery(where)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Matches(@"\\n|\\u0001", e.Message);
    }
}

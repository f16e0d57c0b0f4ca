using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;

namespace IBot.Pipeline.Tests.Lineage;

/// <summary>The --where language over a small store: every operator, precedence, errors with columns.</summary>
public sealed class QueryLanguageTests : IClassFixture<QueryLanguageTests.Runs>
{
    public sealed class Runs : IDisposable
    {
        public LineageFixture Lineage { get; } = new();

        public Runs()
        {
            var batch = new LineageBatch();
            batch.Runs.Add(LineageFixture.Run("r1", "alpha", RunState.Completed, LineageFixture.T0, "sweep:lr", [("train.optimizer.lr", 5e-4), ("backbone.kind", "vit"), ("train.epochs", 10)]));
            batch.Runs.Add(LineageFixture.Run("r2", "alpha", RunState.Failed, LineageFixture.T0.AddDays(1), "sweep:lr", [("train.optimizer.lr", 1e-3), ("backbone.kind", "vit"), ("train.epochs", 20)]));
            batch.Runs.Add(LineageFixture.Run("r3", "beta", RunState.Completed, LineageFixture.T0.AddDays(2), null, [("train.optimizer.lr", 2.5e-4), ("backbone.kind", "vit_tiny"), ("train.epochs", 10), ("train.shuffle", true)]));
            batch.Runs.Add(LineageFixture.Run("r4", "Gamma_x", RunState.Running, LineageFixture.T0.AddDays(3), null, [("train.optimizer.lr", 5e-4), ("backbone.kind", "resnet")]));
            batch.Metrics.AddRange([
                LineageFixture.Metric("r1", "knn_top1", 60, 1), LineageFixture.Metric("r1", "knn_top1", 72, 2), LineageFixture.Metric("r1", "knn_top1", 70, 3),
                LineageFixture.Metric("r2", "knn_top1", 40, 1),
                LineageFixture.Metric("r3", "knn_top1", 80, 1), LineageFixture.Metric("r3", "loss", 3.0, 1), LineageFixture.Metric("r3", "loss", 2.0, 2),
                LineageFixture.Metric("r1", "loss", 5.0, 1), LineageFixture.Metric("r1", "loss", 4.0, 2), LineageFixture.Metric("r1", "loss", 4.5, 3),
            ]);
            Lineage.Store.Write(batch);
        }

        public void Dispose() => Lineage.Dispose();
    }

    private readonly Runs runs;

    public QueryLanguageTests(Runs runs) => this.runs = runs;

    private string[] Ids(string? where, string? sort = "id", int limit = 50) =>
        runs.Lineage.Store.QueryRuns(new RunQuery(where, sort, limit)).Runs.Select(r => r.Id).ToArray();

    [Theory]
    [InlineData("name = 'alpha'", "r1 r2")]
    [InlineData("name != 'alpha'", "r3 r4")]
    [InlineData("params.train.optimizer.lr < 5e-4", "r3")]
    [InlineData("params.train.optimizer.lr <= 0.0005", "r1 r3 r4")]
    [InlineData("params.train.optimizer.lr > 5e-4", "r2")]
    [InlineData("params.train.optimizer.lr >= 5.0E-4", "r1 r2 r4")]
    [InlineData("params.train.optimizer.lr in (5e-4, 1e-3)", "r1 r2 r4")]
    [InlineData("params.train.optimizer.lr not in (5e-4, 1e-3)", "r3")]
    [InlineData("params.backbone.kind like 'vit%'", "r1 r2 r3")]
    [InlineData("params.backbone.kind like 'vi_'", "r1 r2")]
    [InlineData("params.backbone.kind not like 'vit%'", "r4")]
    [InlineData("name like 'GAMMA\\_X'", "")]
    [InlineData("name like 'gamma_x'", "r4")]
    [InlineData("status = 'completed'", "r1 r3")]
    [InlineData("status in ('running', 'failed')", "r2 r4")]
    [InlineData("sweep = 'sweep:lr'", "r1 r2")]
    [InlineData("created >= '2026-11-03'", "r3 r4")]
    [InlineData("created < '2026-11-02T00:00:00Z'", "r1")]
    [InlineData("params.train.shuffle = true", "r3")]
    [InlineData("params.train.shuffle != true", "")]
    [InlineData("params.backbone.kind = 10", "")]
    [InlineData("params.backbone.kind != 10", "r1 r2 r3 r4")]
    [InlineData("metrics.knn_top1 > 65", "r1 r3")]
    [InlineData("metrics.knn_top1.last = 70", "r1")]
    [InlineData("metrics.knn_top1.max = 72", "r1")]
    [InlineData("metrics.knn_top1.min = 60", "r1")]
    [InlineData("metrics.knn_top1.best >= 72", "r1 r3")]
    [InlineData("metrics.loss.best = 4", "r1")]
    [InlineData("metrics.loss = 4.5", "r1")]
    [InlineData("", "r1 r2 r3 r4")]
    public void Every_operator_filters_as_documented(string where, string expected) =>
        Assert.Equal(expected, string.Join(' ', Ids(where)));

    [Theory]
    // not > and > or: "a or b and c" is "a or (b and c)"; "not a and b" is "(not a) and b".
    [InlineData("name = 'beta' or name = 'alpha' and status = 'failed'", "r2 r3")]
    [InlineData("(name = 'beta' or name = 'alpha') and status = 'failed'", "r2")]
    [InlineData("not name = 'alpha' and status = 'completed'", "r3")]
    [InlineData("not (name = 'alpha' and status = 'completed')", "r2 r3 r4")]
    [InlineData("NOT not name = 'beta'", "r3")]
    [InlineData("name = 'alpha' and (status = 'failed' or params.train.epochs = 10) and metrics.knn_top1 < 71", "r1 r2")]
    // Missing values fail every comparison, so only "not" reaches runs without the key.
    [InlineData("not (params.train.shuffle = true)", "r1 r2 r4")]
    public void Precedence_is_not_then_and_then_or(string where, string expected) =>
        Assert.Equal(expected, string.Join(' ', Ids(where)));

    [Theory]
    [InlineData("-created", "r4 r3 r2 r1")]
    [InlineData("created", "r1 r2 r3 r4")]
    [InlineData("metrics.knn_top1 desc", "r3 r1 r2 r4")]   // r4 has none: missing sorts last either way
    [InlineData("metrics.knn_top1", "r2 r1 r3 r4")]
    [InlineData("params.train.optimizer.lr:desc", "r2 r1 r4 r3")]
    public void Sort_orders_with_missing_values_last_and_ties_in_record_order(string sort, string expected) =>
        Assert.Equal(expected, string.Join(' ', Ids(null, sort)));

    [Fact]
    public void Limit_cuts_the_list_but_reports_every_match()
    {
        var result = runs.Lineage.Store.QueryRuns(new RunQuery("params.backbone.kind like 'vit%'", "-created", 2));
        Assert.Equal(3, result.Matched);
        Assert.Equal(["r3", "r2"], result.Runs.Select(r => r.Id));
    }

    [Fact]
    public void Offset_pages_through_the_sorted_matches()
    {
        var all = Ids(null, "id");
        var pages = Enumerable.Range(0, (all.Length + 1) / 2)
            .SelectMany(p => runs.Lineage.Store.QueryRuns(new RunQuery(null, "id", 2, Offset: p * 2)).Runs.Select(r => r.Id)).ToArray();
        Assert.Equal(all, pages);
        var past = runs.Lineage.Store.QueryRuns(new RunQuery(null, "id", 2, Offset: all.Length));
        Assert.Equal(all.Length, past.Matched);
        Assert.Empty(past.Runs);
        Assert.Throws<ArgumentException>(() => runs.Lineage.Store.QueryRuns(new RunQuery(null, null, 2, Offset: -1)));
    }

    [Theory]
    [InlineData("name = ", 8, "expected a value after '='")]
    [InlineData("name = alpha", 8, "quote text")]
    [InlineData("(name = 'a'", 12, "expected ')' to close the '(' at column 1")]
    [InlineData("name = 'a')", 11, "unbalanced ')'")]
    [InlineData("name == 'a' and", 16, "expected a field")]
    [InlineData("name ~ 'a'", 6, "unexpected character '~'")]
    [InlineData("name 'a'", 6, "expected an operator")]
    [InlineData("name = 'unterminated", 8, "unterminated string")]
    [InlineData("metrics.knn_top1 > 5e-4x", 20, "'5e-4x' is not a number")]
    [InlineData("params.lr in 5", 14, "expected '(' after 'in'")]
    [InlineData("params.lr in (1, )", 18, "expected a value after ','")]
    [InlineData("params.lr in (1 2)", 17, "expected ',' or ')'")]
    [InlineData("name like 5", 11, "expected a quoted pattern")]
    [InlineData("nmae = 'x'", 1, "unknown field 'nmae'; did you mean 'name'?")]
    [InlineData("status = 'runing'", 10, "did you mean 'running'?")]
    [InlineData("created > 'yesterday'", 11, "not a date")]
    [InlineData("name = 'a' name = 'b'", 12, "expected 'and', 'or' or the end")]
    [InlineData("params. = 1", 7, "ends with a dot")]
    [InlineData("params.train.optimizer.lrr = 1", 1, "no run has 'params.train.optimizer.lrr'; did you mean 'params.train.optimizer.lr'?")]
    [InlineData("metrics.knn_top2.best > 1", 1, "no run has 'metrics.knn_top2'; did you mean 'metrics.knn_top1'?")]
    public void Bad_expressions_name_the_column_of_the_problem(string where, int column, string problem)
    {
        var e = Assert.Throws<QueryException>(() => runs.Lineage.Store.QueryRuns(new RunQuery(where)));
        Assert.Equal(column, e.Column);
        Assert.Contains(problem, e.Message);
        Assert.StartsWith($"--where: column {column}: ", e.Message);
    }

    [Theory]
    [InlineData("metrics.nope", "no run has 'metrics.nope'")]
    [InlineData("-bogus", "unknown field 'bogus'")]
    [InlineData("name extra", "expected one field to sort by")]
    public void Bad_sort_keys_are_errors_too(string sort, string problem)
    {
        var e = Assert.Throws<QueryException>(() => runs.Lineage.Store.QueryRuns(new RunQuery(null, sort)));
        Assert.Equal("--sort", e.Option);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Lexer_reads_numbers_strings_and_dotted_identifiers()
    {
        var tokens = QueryLexer.Tokenize("params.evaluate.0.k-x >= -5e-4 and name = 'it''s' or x <> \"q\"");
        Assert.Equal([TokenKind.Identifier, TokenKind.GreaterOrEqual, TokenKind.Number, TokenKind.And, TokenKind.Identifier, TokenKind.Equal,
            TokenKind.String, TokenKind.Or, TokenKind.Identifier, TokenKind.NotEqual, TokenKind.String, TokenKind.End], tokens.Select(t => t.Kind));
        Assert.Equal("params.evaluate.0.k-x", tokens[0].Text);
        Assert.Equal(-5e-4, tokens[2].Number);
        Assert.Equal(26, tokens[2].Column);
        Assert.Equal("it's", tokens[6].Text);
    }
}

using System.Globalization;
using System.Text;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Query;
using Npgsql;

namespace IBot.Pipeline.Postgres;

/// <summary>
/// A checked <see cref="RunQuery"/> compiled to parameterised SQL over <c>ibot_runs</c>: each
/// <c>params.KEY</c> and <c>metrics.NAME</c> the query names is one left join on its key (an index seek
/// on <c>(key, run)</c>), every literal is a parameter, never text in the statement. The language's
/// rules carry over exactly: a missing value fails every comparison (the joins' NULL), a value of another
/// kind is unequal (<c>!=</c> holds, ordering does not), <c>like</c> matches text only, case-insensitively,
/// with no escape character; sorting puts missing values last and keeps recording order among ties.
/// Under <c>not</c> each comparison is made two-valued (NULL → false), as the in-memory evaluation is.
/// </summary>
internal sealed class PgRunQuery
{
    private readonly StringBuilder joins = new();
    private readonly List<NpgsqlParameter> parameters = [];
    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);
    private readonly string text;

    public PgRunQuery(RunQueryPlan plan)
    {
        text = plan.Query.Where ?? "";
        Where = Compile(QueryParser.Parse(plan.Query.Where), negated: false);
        var dir = plan.Descending ? "DESC" : "ASC";
        OrderBy = Source(plan.SortColumn) switch
        {
            ({ } sql, _) => $"({sql} IS NULL), {sql} {dir}, r.ordinal",
            (null, var p) => $"({p}.kind IS NULL), {p}.kind {dir}, {p}.num {dir}, {p}.txt {dir}, r.ordinal",
        };
    }

    public string From => "ibot_runs r" + joins;

    public string Where { get; }

    public string OrderBy { get; }

    public IReadOnlyList<NpgsqlParameter> Parameters => parameters;

    private string Parameter(object value)
    {
        var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter(name, value));
        return "@" + name;
    }

    /// <summary>A column key's SQL: (expression, null) for a column of one type, (null, alias) for a param's typed row.</summary>
    private (string? Sql, string Alias) Source(string key)
    {
        if (RunFields.Own.Contains(key)) return (PgLineageRows.OwnColumn(key).Sql, "");
        if (key.StartsWith(RunFields.Params, StringComparison.Ordinal))
        {
            if (!aliases.TryGetValue(key, out var p))
            {
                aliases[key] = p = "j" + aliases.Count.ToString(CultureInfo.InvariantCulture);
                joins.Append($" LEFT JOIN ibot_run_params {p} ON {p}.run = r.ordinal AND {p}.key = {Parameter(key[RunFields.Params.Length..])}");
            }
            return (null, p);
        }
        var name = key[RunFields.Metrics.Length..];
        var column = "last";
        if (name.EndsWith(".min", StringComparison.Ordinal)) (name, column) = (name[..^4], "min");
        else if (name.EndsWith(".max", StringComparison.Ordinal)) (name, column) = (name[..^4], "max");
        var metric = RunFields.Metrics + name;
        if (!aliases.TryGetValue(metric, out var m))
        {
            aliases[metric] = m = "j" + aliases.Count.ToString(CultureInfo.InvariantCulture);
            joins.Append($" LEFT JOIN ibot_run_metrics {m} ON {m}.run = r.ordinal AND {m}.name = {Parameter(name)}");
        }
        return ($"{m}.{column}", m);
    }

    private static bool IsNumber(string key) => key == "created" || key.StartsWith(RunFields.Metrics, StringComparison.Ordinal);

    private string Compile(QueryExpr expr, bool negated) => expr switch
    {
        QueryExpr.All => "true",
        QueryExpr.And a => "(" + string.Join(" AND ", a.Operands.Select(o => Compile(o, negated))) + ")",
        QueryExpr.Or o => "(" + string.Join(" OR ", o.Operands.Select(x => Compile(x, negated))) + ")",
        QueryExpr.Not n => "NOT " + Compile(n.Operand, !negated),
        QueryExpr.Compare c => TwoValued(Compare(c), negated),
        QueryExpr.In i => TwoValued(In(i), negated),
        QueryExpr.Like l => TwoValued(Like(l), negated),
        _ => throw new InvalidOperationException($"unknown query node {expr.GetType().Name}"),
    };

    private static string TwoValued(string sql, bool negated) => negated ? $"coalesce({sql}, false)" : $"({sql})";

    private static string Op(TokenKind op) => op switch
    {
        TokenKind.Equal => "=",
        TokenKind.NotEqual => "<>",
        TokenKind.Less => "<",
        TokenKind.LessOrEqual => "<=",
        TokenKind.Greater => ">",
        _ => ">=",
    };

    private static short KindCode(LineageValue v) => PgLineageRows.Param(v).Kind;

    private string Literal(LineageValue v) => v.Kind == LineageValueKind.Text ? Parameter(v.Text!) : Parameter(v.Number);

    private string Compare(QueryExpr.Compare c)
    {
        var key = RunFields.Column(c.Field, text, "--where", out _);
        var literal = RunFields.Literal(key, c.Literal, text, "--where");
        var op = Op(c.Op);
        var (sql, p) = Source(key);
        if (sql is not null)
        {
            var sameKind = IsNumber(key) == (literal.Kind == LineageValueKind.Number);
            if (sameKind) return $"{sql} {op} {Literal(literal)}";
            return c.Op == TokenKind.NotEqual ? $"{sql} IS NOT NULL" : "false";
        }
        var kind = KindCode(literal);
        var value = literal.Kind == LineageValueKind.Text ? $"{p}.txt" : $"{p}.num";
        return c.Op == TokenKind.NotEqual
            ? $"{p}.kind <> {kind} OR {value} <> {Literal(literal)}"
            : $"{p}.kind = {kind} AND {value} {op} {Literal(literal)}";
    }

    private string In(QueryExpr.In s)
    {
        var key = RunFields.Column(s.Field, text, "--where", out _);
        var values = s.Literals.Select(l => RunFields.Literal(key, l, text, "--where")).ToList();
        var numbers = values.Where(v => v.Kind == LineageValueKind.Number).Select(v => v.Number).ToArray();
        var texts = values.Where(v => v.Kind == LineageValueKind.Text).Select(v => v.Text!).ToArray();
        var bools = values.Where(v => v.Kind == LineageValueKind.Bool).Select(v => v.Number).ToArray();
        var not = s.Negated ? "NOT " : "";
        var (sql, p) = Source(key);
        if (sql is not null)
            return $"{sql} IS NOT NULL AND {not}({sql} = ANY({(IsNumber(key) ? Parameter(numbers) : Parameter(texts))}))";
        // Only the kinds the list has: a plain "kind = 1 AND num = ANY(…)" is an index-only scan of (key, num).
        var kinds = new List<string>();
        if (numbers.Length > 0) kinds.Add($"({p}.kind = 1 AND {p}.num = ANY({Parameter(numbers)}))");
        if (texts.Length > 0) kinds.Add($"({p}.kind = 2 AND {p}.txt = ANY({Parameter(texts)}))");
        if (bools.Length > 0) kinds.Add($"({p}.kind = 3 AND {p}.num = ANY({Parameter(bools)}))");
        return $"{p}.kind IS NOT NULL AND {not}({string.Join(" OR ", kinds)})";
    }

    private string Like(QueryExpr.Like like)
    {
        var key = RunFields.Column(like.Field, text, "--where", out _);
        var (sql, p) = Source(key);
        if (sql is not null && IsNumber(key)) return "false";
        var value = sql ?? $"{p}.txt";
        var kind = sql is null ? $"{p}.kind = 2 AND " : $"{sql} IS NOT NULL AND ";
        // Case-insensitive through the database's character classes; ESCAPE '' makes every character literal but % and _.
        var match = $"lower({value} COLLATE \"default\") LIKE lower({Parameter(like.Pattern.Text)} COLLATE \"default\") ESCAPE ''";
        return kind + (like.Negated ? $"NOT ({match})" : match);
    }
}

using System.Text.RegularExpressions;
using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Query;

/// <summary>
/// A parsed and checked <see cref="RunQuery"/>: the columns it reads and how to evaluate it over
/// them. Stores load the named columns (never whole runs) and call <see cref="Execute"/>; a
/// missing value fails every comparison (SQL's NULL), so <c>not (x = 1)</c> is what matches runs
/// without <c>x</c>.
/// </summary>
public sealed class RunQueryPlan
{
    private readonly QueryExpr where;
    private readonly string text;

    public RunQuery Query { get; }

    /// <summary>Column keys to load, with the field token that named each (for "no run has …" errors).</summary>
    public IReadOnlyDictionary<string, (Token Field, string BaseKey, string Option)> Columns { get; }

    public string SortColumn { get; }

    public bool Descending { get; }

    private RunQueryPlan(RunQuery query, QueryExpr where, Dictionary<string, (Token, string, string)> columns, string sortColumn, bool descending)
    {
        Query = query;
        this.where = where;
        text = query.Where ?? "";
        Columns = columns;
        SortColumn = sortColumn;
        Descending = descending;
    }

    public static RunQueryPlan Create(RunQuery query)
    {
        if (query.Limit < 0) throw new ArgumentException($"--limit must be 0 or more, not {query.Limit}");
        if (query.Offset < 0) throw new ArgumentException($"the offset must be 0 or more, not {query.Offset}");
        var where = QueryParser.Parse(query.Where);
        var columns = new Dictionary<string, (Token, string, string)>(StringComparer.Ordinal);
        foreach (var field in where.Fields())
            columns.TryAdd(RunFields.Column(field, query.Where!, "--where", out var baseKey), (field, baseKey, "--where"));

        var sortText = string.IsNullOrWhiteSpace(query.Sort) ? RunQuery.DefaultSort : query.Sort.Trim();
        var descending = false;
        var key = sortText;
        if (key.StartsWith('-')) (descending, key) = (true, key[1..]);
        foreach (var (suffix, desc) in new[] { (" desc", true), (":desc", true), (" asc", false), (":asc", false) })
            if (key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) (descending, key) = (desc, key[..^suffix.Length].TrimEnd());
        var tokens = QueryLexer.Tokenize(key);
        if (tokens.Count != 2 || tokens[0].Kind != TokenKind.Identifier)
            throw new QueryException(sortText, 1, $"expected one field to sort by (e.g. metrics.knn_top1, -created), found '{sortText}'", "--sort");
        var sortField = tokens[0] with { Column = tokens[0].Column + (sortText.StartsWith('-') ? 1 : 0) };
        var sortColumn = RunFields.Column(sortField, sortText, "--sort", out var sortBase);
        columns.TryAdd(sortColumn, (sortField, sortBase, "--sort"));
        var plan = new RunQueryPlan(query, where, columns, sortColumn, descending);
        plan.Compile(_ => []);   // checks literals (dates, status names) before any data is read
        return plan;
    }

    /// <summary>Ordinals of the matching runs in sort order (missing sort values last, ties in the
    /// order the runs were recorded — ordinals, so no id column has to be read),
    /// at most <see cref="RunQuery.Limit"/> after the first <see cref="RunQuery.Offset"/>, and how many matched.</summary>
    public (int Matched, int[] Ordinals) Execute(int count, Func<string, LineageValue[]> column)
    {
        var predicate = Compile(column);
        var matches = new List<int>();
        for (var i = 0; i < count; i++)
            if (predicate(i)) matches.Add(i);
        var sort = column(SortColumn);
        var sign = Descending ? -1 : 1;
        var keys = matches.ToArray();
        Array.Sort(keys, (a, b) =>
        {
            var (x, y) = (At(sort, a), At(sort, b));
            if (x.IsMissing != y.IsMissing) return x.IsMissing ? 1 : -1;
            var order = sign * LineageValue.Order(x, y);
            return order != 0 ? order : a.CompareTo(b);
        });
        return (keys.Length, keys.Skip(Query.Offset).Take(Query.Limit).ToArray());
    }

    private static LineageValue At(LineageValue[] column, int i) => i < column.Length ? column[i] : default;

    private Func<int, bool> Compile(Func<string, LineageValue[]> column) => Compile(where, column);

    private Func<int, bool> Compile(QueryExpr expr, Func<string, LineageValue[]> column)
    {
        switch (expr)
        {
            case QueryExpr.All:
                return _ => true;
            case QueryExpr.And a:
                var all = a.Operands.Select(x => Compile(x, column)).ToArray();
                return i => Array.TrueForAll(all, p => p(i));
            case QueryExpr.Or o:
                var any = o.Operands.Select(x => Compile(x, column)).ToArray();
                return i => Array.Exists(any, p => p(i));
            case QueryExpr.Not n:
                var inner = Compile(n.Operand, column);
                return i => !inner(i);
            case QueryExpr.Compare c:
            {
                var key = RunFields.Column(c.Field, text, "--where", out _);
                var values = column(key);
                var literal = RunFields.Literal(key, c.Literal, text, "--where");
                Func<int, bool> test = c.Op switch
                {
                    TokenKind.Equal => o => o == 0,
                    TokenKind.NotEqual => o => o != 0,
                    TokenKind.Less => o => o < 0,
                    TokenKind.LessOrEqual => o => o <= 0,
                    TokenKind.Greater => o => o > 0,
                    _ => o => o >= 0,
                };
                var equality = c.Op is TokenKind.Equal or TokenKind.NotEqual;
                return i =>
                {
                    var v = At(values, i);
                    if (v.IsMissing) return false;
                    // A value of another kind is simply different: != holds, ordering does not.
                    if (!LineageValue.TryCompare(v, literal, out var order)) return equality && c.Op == TokenKind.NotEqual;
                    return test(order);
                };
            }
            case QueryExpr.In s:
            {
                var key = RunFields.Column(s.Field, text, "--where", out _);
                var values = column(key);
                var set = s.Literals.Select(l => RunFields.Literal(key, l, text, "--where")).ToHashSet();
                return i =>
                {
                    var v = At(values, i);
                    return !v.IsMissing && set.Contains(v) != s.Negated;
                };
            }
            case QueryExpr.Like like:
            {
                var key = RunFields.Column(like.Field, text, "--where", out _);
                var values = column(key);
                // Non-backtracking: linear in the name's length whatever the pattern ('%a%a%a…%b' took
                // exponential time with a backtracking regex).
                var pattern = new Regex("^" + string.Concat(like.Pattern.Text.Select(ch => ch switch
                {
                    '%' => ".*",
                    '_' => ".",
                    _ => Regex.Escape(ch.ToString()),
                })) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
                return i =>
                {
                    var v = At(values, i);
                    return v.Kind == LineageValueKind.Text && pattern.IsMatch(v.Text!) != like.Negated;
                };
            }
            default:
                throw new InvalidOperationException($"unknown query node {expr.GetType().Name}");
        }
    }
}

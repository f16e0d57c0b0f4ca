namespace IBot.Pipeline.Lineage.Query;

/// <summary>The syntax tree of a <c>--where</c> expression. Every node keeps the column where it
/// starts, so errors found after parsing (unknown fields, bad dates) still point at the text.</summary>
public abstract record QueryExpr(int Column)
{
    /// <summary>Every operand holds; a chain <c>a and b and c</c> is one node, so long chains add no depth.</summary>
    public sealed record And(IReadOnlyList<QueryExpr> Operands) : QueryExpr(Operands[0].Column);

    /// <summary>Some operand holds; a chain is one node, as for <see cref="And"/>.</summary>
    public sealed record Or(IReadOnlyList<QueryExpr> Operands) : QueryExpr(Operands[0].Column);

    public sealed record Not(QueryExpr Operand, int At) : QueryExpr(At);

    /// <summary><c>field op literal</c>, op one of = != &lt; &lt;= &gt; &gt;=.</summary>
    public sealed record Compare(Token Field, TokenKind Op, Token Literal) : QueryExpr(Field.Column);

    /// <summary><c>field [not] in (literal, …)</c>.</summary>
    public sealed record In(Token Field, IReadOnlyList<Token> Literals, bool Negated) : QueryExpr(Field.Column);

    /// <summary><c>field [not] like 'pattern'</c>: % any run of characters, _ one character, case-insensitive.</summary>
    public sealed record Like(Token Field, Token Pattern, bool Negated) : QueryExpr(Field.Column);

    /// <summary>Matches every run (an empty expression).</summary>
    public sealed record All() : QueryExpr(1);

    /// <summary>Every field token the expression names, for the store to load their columns.</summary>
    public IEnumerable<Token> Fields() => this switch
    {
        And a => a.Operands.SelectMany(o => o.Fields()),
        Or o => o.Operands.SelectMany(x => x.Fields()),
        Not n => n.Operand.Fields(),
        Compare c => [c.Field],
        In i => [i.Field],
        Like l => [l.Field],
        _ => [],
    };
}

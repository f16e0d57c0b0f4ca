namespace IBot.Pipeline.Lineage.Query;

/// <summary>
/// Recursive descent over the tokens, loosest binding first:
/// <code>
/// query      := or END
/// or         := and ('or' and)*
/// and        := unary ('and' unary)*
/// unary      := 'not' unary | '(' or ')' | comparison
/// comparison := FIELD (op literal | ['not'] 'in' '(' literal (',' literal)* ')' | ['not'] 'like' STRING)
/// literal    := NUMBER | STRING | 'true' | 'false'
/// </code>
/// so <c>not</c> binds tighter than <c>and</c>, which binds tighter than <c>or</c>. Chains of
/// <c>and</c> / <c>or</c> become one node with every operand, and parentheses and <c>not</c> nest
/// at most <see cref="MaxDepth"/> levels, so the tree's depth is bounded: 25,000 nested
/// parentheses used to overflow the stack and abort the process.
/// </summary>
public sealed class QueryParser
{
    /// <summary>The deepest nesting of parentheses and <c>not</c>s accepted.</summary>
    public const int MaxDepth = 256;

    private readonly string text;
    private readonly List<Token> tokens;
    private int position;
    private int depth;

    private QueryParser(string text)
    {
        this.text = text;
        tokens = QueryLexer.Tokenize(text);
    }

    public static QueryExpr Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new QueryExpr.All();
        var parser = new QueryParser(text);
        var expr = parser.ParseOr();
        if (parser.Peek.Kind != TokenKind.End)
            throw parser.Error(parser.Peek, parser.Peek.Kind == TokenKind.RightParen
                ? "unbalanced ')': no '(' to close"
                : $"expected 'and', 'or' or the end, found {parser.Peek.Describe()}");
        return expr;
    }

    private Token Peek => tokens[position];

    private Token Next() => tokens[position++];

    private QueryException Error(Token at, string problem) => new(text, at.Column, problem);

    private QueryExpr ParseOr()
    {
        var operands = new List<QueryExpr> { ParseAnd() };
        while (Peek.Kind == TokenKind.Or)
        {
            Next();
            operands.Add(ParseAnd());
        }
        return operands.Count == 1 ? operands[0] : new QueryExpr.Or(operands);
    }

    private QueryExpr ParseAnd()
    {
        var operands = new List<QueryExpr> { ParseUnary() };
        while (Peek.Kind == TokenKind.And)
        {
            Next();
            operands.Add(ParseUnary());
        }
        return operands.Count == 1 ? operands[0] : new QueryExpr.And(operands);
    }

    private QueryExpr ParseUnary()
    {
        var token = Next();
        if (token.Kind is TokenKind.Not or TokenKind.LeftParen && ++depth > MaxDepth)
            throw Error(token, $"the expression nests deeper than {MaxDepth} levels of parentheses and 'not'");
        switch (token.Kind)
        {
            case TokenKind.Not:
                var operand = ParseUnary();
                depth--;
                return new QueryExpr.Not(operand, token.Column);
            case TokenKind.LeftParen:
                var inner = ParseOr();
                if (Peek.Kind != TokenKind.RightParen)
                    throw Error(Peek, $"expected ')' to close the '(' at column {token.Column}, found {Peek.Describe()}");
                Next();
                depth--;
                return inner;
            case TokenKind.Identifier:
                return ParseComparison(token);
            default:
                throw Error(token, $"expected a field (name, status, params.KEY, metrics.NAME …), 'not' or '(', found {token.Describe()}");
        }
    }

    private QueryExpr ParseComparison(Token field)
    {
        var op = Next();
        var negated = false;
        if (op.Kind == TokenKind.Not && Peek.Kind is TokenKind.In or TokenKind.Like)
        {
            negated = true;
            op = Next();
        }
        switch (op.Kind)
        {
            case TokenKind.Equal or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual:
                return new QueryExpr.Compare(field, op.Kind, Literal(op));
            case TokenKind.In:
                var open = Next();
                if (open.Kind != TokenKind.LeftParen) throw Error(open, $"expected '(' after 'in', found {open.Describe()}");
                var literals = new List<Token> { Literal(open) };
                while (Peek.Kind == TokenKind.Comma)
                {
                    var comma = Next();
                    literals.Add(Literal(comma));
                }
                if (Peek.Kind != TokenKind.RightParen) throw Error(Peek, $"expected ',' or ')' in the list of 'in', found {Peek.Describe()}");
                Next();
                return new QueryExpr.In(field, literals, negated);
            case TokenKind.Like:
                var pattern = Next();
                if (pattern.Kind != TokenKind.String) throw Error(pattern, $"expected a quoted pattern after 'like', found {pattern.Describe()}");
                return new QueryExpr.Like(field, pattern, negated);
            default:
                throw Error(op, $"expected an operator (= != < <= > >= in like) after '{field.Text}', found {op.Describe()}");
        }
    }

    private Token Literal(Token after)
    {
        var token = Next();
        if (token.Kind is TokenKind.Number or TokenKind.String or TokenKind.True or TokenKind.False) return token;
        var hint = token.Kind == TokenKind.Identifier ? " (quote text: 'value')" : "";
        throw Error(token, $"expected a value after '{after.Text}', found {token.Describe()}{hint}");
    }
}

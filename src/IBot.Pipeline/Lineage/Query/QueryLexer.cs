using System.Globalization;

namespace IBot.Pipeline.Lineage.Query;

/// <summary>
/// Splits a <c>--where</c> expression into tokens. Identifiers are dotted paths
/// (<c>params.train.optimizer.lr</c>, <c>evaluate.0.k</c>, hyphens allowed after the first
/// character); keywords are case-insensitive; strings take single or double quotes, a quote
/// doubled inside stands for itself; numbers are decimal with an optional exponent (<c>5e-4</c>).
/// </summary>
public static class QueryLexer
{
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["and"] = TokenKind.And, ["or"] = TokenKind.Or, ["not"] = TokenKind.Not, ["in"] = TokenKind.In,
        ["like"] = TokenKind.Like, ["true"] = TokenKind.True, ["false"] = TokenKind.False,
    };

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var start = i;
            var c = text[i];
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-')) i++;
                var word = text[start..i];
                if (word.EndsWith('.')) throw new QueryException(text, i, $"'{word}' ends with a dot; expected a key after it");
                tokens.Add(new Token(Keywords.GetValueOrDefault(word, TokenKind.Identifier), word, start + 1));
            }
            else if (char.IsDigit(c) || ((c is '-' or '+' or '.') && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.')))
                tokens.Add(Number(text, ref i));
            else if (c is '\'' or '"')
                tokens.Add(String(text, ref i));
            else
            {
                var (kind, length) = (c, i + 1 < text.Length ? text[i + 1] : '\0') switch
                {
                    ('(', _) => (TokenKind.LeftParen, 1),
                    (')', _) => (TokenKind.RightParen, 1),
                    (',', _) => (TokenKind.Comma, 1),
                    ('=', '=') => (TokenKind.Equal, 2),
                    ('=', _) => (TokenKind.Equal, 1),
                    ('!', '=') => (TokenKind.NotEqual, 2),
                    ('<', '>') => (TokenKind.NotEqual, 2),
                    ('<', '=') => (TokenKind.LessOrEqual, 2),
                    ('<', _) => (TokenKind.Less, 1),
                    ('>', '=') => (TokenKind.GreaterOrEqual, 2),
                    ('>', _) => (TokenKind.Greater, 1),
                    _ => throw new QueryException(text, start + 1, $"unexpected character '{c}'"),
                };
                i += length;
                tokens.Add(new Token(kind, text[start..i], start + 1));
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static Token Number(string text, ref int i)
    {
        var start = i;
        if (text[i] is '-' or '+') i++;
        while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var mark = i++;
            if (i < text.Length && text[i] is '-' or '+') i++;
            if (i >= text.Length || !char.IsDigit(text[i])) i = mark;
            while (i < text.Length && char.IsDigit(text[i])) i++;
        }
        var literal = text[start..i];
        // "5e-4x" or "1.2.3": a number glued to something else is a typo, not two tokens.
        if (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
        {
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',')) i++;
            throw new QueryException(text, start + 1, $"'{text[start..i]}' is not a number");
        }
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new QueryException(text, start + 1, $"'{literal}' is not a number");
        return new Token(TokenKind.Number, literal, start + 1, value);
    }

    private static Token String(string text, ref int i)
    {
        var start = i;
        var quote = text[i++];
        var value = new System.Text.StringBuilder();
        while (true)
        {
            if (i >= text.Length) throw new QueryException(text, start + 1, $"unterminated string: no closing {quote}");
            if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }
                i++;
                return new Token(TokenKind.String, value.ToString(), start + 1);
            }
            value.Append(text[i++]);
        }
    }
}

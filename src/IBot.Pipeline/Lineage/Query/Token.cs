namespace IBot.Pipeline.Lineage.Query;

/// <summary>A lexeme with its 1-based column; <see cref="Text"/> is the unquoted value for strings.</summary>
public sealed record Token(TokenKind Kind, string Text, int Column, double Number = 0)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"'{Text}'",
        _ => $"'{Text}'",
    };
}

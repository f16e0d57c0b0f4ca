namespace IBot.Pipeline.Lineage.Query;

public enum TokenKind
{
    Identifier,
    Number,
    String,
    True,
    False,
    And,
    Or,
    Not,
    In,
    Like,
    LeftParen,
    RightParen,
    Comma,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    End,
}

using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IBot.Pipeline.Specs;

/// <summary>
/// YamlDotNet's parser events with their positions, one at a time. Every failure of the parser
/// becomes a <see cref="SpecException"/> at file:line:column: its syntax errors
/// (<see cref="YamlException"/>) at the position they name, anything else it throws
/// (its scanner throws <see cref="InvalidOperationException"/> on some flow collections whose
/// later lines are not indented, <see cref="ArgumentException"/> on some others) at the
/// position its scanner reached, naming the open <c>[</c> or <c>{</c> when there is one.
/// </summary>
internal sealed class YamlEvents
{
    private readonly Scanner scanner;
    private readonly Parser parser;
    private readonly string file;
    // Collections open at the current position, innermost on top: a failure names the innermost '[' or '{'.
    private readonly Stack<ParsingEvent> open = new();
    private ParsingEvent? peeked;

    public YamlEvents(string text, string file)
    {
        scanner = new Scanner(new StringReader(text));
        parser = new Parser(scanner);
        this.file = file;
    }

    /// <summary>The next event, not consumed.</summary>
    public ParsingEvent Peek => peeked ??= Read();

    public ParsingEvent Next()
    {
        var e = Peek;
        peeked = null;
        return e;
    }

    /// <summary>The next event, which the grammar says must be a <typeparamref name="T"/>.</summary>
    public T Expect<T>() where T : ParsingEvent
    {
        var e = Next();
        return e as T ?? throw Error(Locate(e), $"invalid YAML: expected {typeof(T).Name}, found {e.GetType().Name}");
    }

    public SourceLocation Locate(ParsingEvent e) => new(file, Line(e.Start.Line), Line(e.Start.Column));

    private ParsingEvent Read()
    {
        ParsingEvent e;
        try
        {
            if (!parser.MoveNext()) throw Error(Position(), "invalid YAML: the text ends inside a value");
            e = parser.Current ?? throw Error(Position(), "invalid YAML: the text ends inside a value");
        }
        catch (YamlException x)
        {
            var message = FirstLine(x.InnerException?.Message ?? x.Message);
            throw Error(new SourceLocation(file, Line(x.Start.Line), Line(x.Start.Column)), $"invalid YAML: {StripMark(message)}");
        }
        catch (Exception x) when (x is not SpecException and not OutOfMemoryException)
        {
            var flow = open.FirstOrDefault(o => o is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow });
            throw Error(Position(), flow is null
                ? $"invalid YAML: cannot parse past this point ({StripMark(FirstLine(x.Message))})"
                : $"invalid YAML: the '{(flow is SequenceStart ? '[' : '{')}' at line {flow.Start.Line}, column {flow.Start.Column} is not closed, or its later lines are not indented more than its key");
        }
        if (e is SequenceStart or MappingStart) open.Push(e);
        else if (e is SequenceEnd or MappingEnd && open.Count > 0) open.Pop();
        return e;
    }

    private SourceLocation Position() => new(file, Line(scanner.CurrentPosition.Line), Line(scanner.CurrentPosition.Column));

    private static int Line(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('\r');

    // YamlDotNet appends "(Line: x, Col: y, ...)"; the location is reported separately.
    private static string StripMark(string message)
    {
        var i = message.IndexOf("(Line:", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).Trim().TrimEnd('.');
    }

    private static SpecException Error(SourceLocation location, string message) => new([new SpecError(location, message)]);
}

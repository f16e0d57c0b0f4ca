using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Reads one YAML document into a <see cref="SpecNode"/> tree. Safe by construction: nothing
/// is deserialised into types, any explicit tag other than the core schema's is an error,
/// and size, nesting depth and alias expansion are bounded.
/// </summary>
/// <remarks>
/// The tree is built from YamlDotNet's parser events, not its recursive representation model,
/// so the depth bound holds before any recursion (100,000 nested '[' overflowed the stack of
/// <c>YamlStream.Load</c>). Whatever the parser throws — not only <see cref="YamlException"/>:
/// its scanner throws <see cref="InvalidOperationException"/> on some malformed flow
/// collections — becomes a <see cref="SpecException"/> at the position it reached.
/// </remarks>
public static class YamlSpecReader
{
    public const int MaxBytes = 1 << 20;
    public const int MaxDepth = 64;
    public const int MaxNodes = 100_000;

    private static readonly HashSet<string> AllowedTags =
    [
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "!", "?",
    ];

    /// <summary>A mapping or sequence being built: its entries so far, the key waiting for a
    /// value, the values it holds (for alias expansion) and its height (for the depth bound).</summary>
    private sealed class Open(SpecNode node, string? anchor)
    {
        public SpecNode Node { get; } = node;
        public string? Anchor { get; } = anchor;
        public SpecScalar? Key { get; set; }
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public int Size { get; set; } = 1;
        public int Height { get; set; }
    }

    public static SpecNode Read(string text, string file)
    {
        if (text.Length > MaxBytes)
            throw Error(YamlText.Locate(text, MaxBytes, file), $"spec is {text.Length} characters; the limit is {MaxBytes} (this is where it passes it)");
        YamlText.CheckCharacters(text, file);
        var events = new YamlEvents(text, file);
        events.Expect<StreamStart>();
        if (events.Peek is StreamEnd)
            throw Error(new SourceLocation(file, 1, 1), "the spec is empty");
        events.Expect<DocumentStart>();
        var root = ReadNode(events);
        events.Expect<DocumentEnd>();
        if (events.Peek is DocumentStart second)
            throw Error(events.Locate(second), "a spec is one YAML document; found several");
        return root;
    }

    /// <summary>Reads one node (scalar, alias or a whole collection) without recursion.</summary>
    private static SpecNode ReadNode(YamlEvents events)
    {
        var anchors = new Dictionary<string, (SpecNode Node, int Size, int Height)>(StringComparer.Ordinal);
        var stack = new Stack<Open>();
        var budget = MaxNodes;
        while (true)
        {
            var e = events.Next();
            var location = events.Locate(e);
            SpecNode? done = null;
            int size = 1, height = 0;
            switch (e)
            {
                case NodeEvent node when !node.Tag.IsEmpty && !AllowedTags.Contains(node.Tag.Value):
                    throw Error(location, $"tag '{node.Tag.Value}' is not allowed in specs");
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        throw Error(location, stack.Any(o => o.Anchor == alias.Value.Value)
                            ? $"alias *{alias.Value.Value} refers to a value that contains it"
                            : $"alias *{alias.Value.Value} has no anchor &{alias.Value.Value} before it");
                    (size, height) = (target.Size, target.Height);
                    CheckBounds(location, stack.Count + height, ref budget, size);
                    done = target.Node.DeepClone();
                    break;
                case Scalar scalar:
                    CheckBounds(location, stack.Count, ref budget, 1);
                    done = new SpecScalar(location, scalar.Value,
                        scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
                    Remember(anchors, scalar, done, 1, 0);
                    break;
                case MappingStart mapping:
                    CheckBounds(location, stack.Count, ref budget, 1);
                    stack.Push(new Open(new SpecMapping(location, []), Anchor(mapping)));
                    continue;
                case SequenceStart sequence:
                    CheckBounds(location, stack.Count, ref budget, 1);
                    stack.Push(new Open(new SpecSequence(location, []), Anchor(sequence)));
                    continue;
                case MappingEnd or SequenceEnd:
                    var closed = stack.Pop();
                    (done, size, height) = (closed.Node, closed.Size, closed.Height + 1);
                    if (closed.Anchor is { } name) anchors[name] = (done, size, height);
                    break;
                default:
                    throw Error(location, $"unexpected {e.GetType().Name} in a spec");
            }
            if (stack.Count == 0) return done;
            Add(stack.Peek(), done, size, height);
        }
    }

    private static void Add(Open parent, SpecNode value, int size, int height)
    {
        parent.Size += size;
        parent.Height = Math.Max(parent.Height, height);
        switch (parent.Node)
        {
            case SpecSequence sequence:
                sequence.Items.Add(value);
                break;
            case SpecMapping mapping when parent.Key is null:
                if (value is not SpecScalar key) throw Error(value.Location, "mapping keys must be plain names");
                if (!parent.Keys.Add(key.Value)) throw Error(key.Location, $"duplicate key '{key.Value}'");
                parent.Key = key;
                break;
            case SpecMapping mapping:
                mapping.Entries.Add(new(parent.Key, value));
                parent.Key = null;
                break;
        }
    }

    private static void CheckBounds(SourceLocation location, int depth, ref int budget, int size)
    {
        if (depth > MaxDepth) throw Error(location, $"nesting deeper than {MaxDepth} levels");
        budget -= size;
        if (budget < 0) throw Error(location, $"more than {MaxNodes} values after alias expansion");
    }

    private static string? Anchor(NodeEvent e) => e.Anchor.IsEmpty ? null : e.Anchor.Value;

    private static void Remember(Dictionary<string, (SpecNode, int, int)> anchors, NodeEvent e, SpecNode node, int size, int height)
    {
        if (Anchor(e) is { } name) anchors[name] = (node, size, height);
    }

    private static SpecException Error(SourceLocation location, string message) => new([new SpecError(location, message)]);
}

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Reads one YAML document into a <see cref="SpecNode"/> tree. Safe by construction: nothing
/// is deserialised into types, any explicit tag other than the core schema's is an error,
/// and size, nesting depth and alias expansion are bounded.
/// </summary>
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

    public static SpecNode Read(string text, string file)
    {
        if (text.Length > MaxBytes)
            throw new SpecException([new SpecError(SourceLocation.Unknown(file), $"spec is {text.Length} bytes; the limit is {MaxBytes}")]);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Split(Environment.NewLine)[0];
            throw new SpecException([new SpecError(new SourceLocation(file, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {StripMark(message)}")]);
        }
        if (stream.Documents.Count == 0)
            throw new SpecException([new SpecError(new SourceLocation(file, 1, 1), "the spec is empty")]);
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            throw new SpecException([new SpecError(new SourceLocation(file, (int)second.Line, (int)second.Column), "a spec is one YAML document; found several")]);
        }
        var budget = MaxNodes;
        return Convert(stream.Documents[0].RootNode, file, 0, ref budget);
    }

    private static SpecNode Convert(YamlNode node, string file, int depth, ref int budget)
    {
        var location = new SourceLocation(file, (int)node.Start.Line, (int)node.Start.Column);
        if (depth > MaxDepth) throw Error(location, $"nesting deeper than {MaxDepth} levels");
        if (--budget < 0) throw Error(location, $"more than {MaxNodes} values after alias expansion");
        if (!node.Tag.IsEmpty && !AllowedTags.Contains(node.Tag.Value))
            throw Error(location, $"tag '{node.Tag.Value}' is not allowed in specs");
        switch (node)
        {
            case YamlScalarNode scalar:
                return new SpecScalar(location, scalar.Value ?? "", scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
            case YamlSequenceNode sequence:
                var items = new List<SpecNode>();
                foreach (var item in sequence.Children) items.Add(Convert(item, file, depth + 1, ref budget));
                return new SpecSequence(location, items);
            case YamlMappingNode mapping:
                var entries = new List<KeyValuePair<SpecScalar, SpecNode>>();
                foreach (var (k, v) in mapping.Children)
                {
                    var keyLocation = new SourceLocation(file, (int)k.Start.Line, (int)k.Start.Column);
                    if (k is not YamlScalarNode keyScalar) throw Error(keyLocation, "mapping keys must be plain names");
                    var key = new SpecScalar(keyLocation, keyScalar.Value ?? "");
                    if (entries.Any(e => e.Key.Value == key.Value)) throw Error(keyLocation, $"duplicate key '{key.Value}'");
                    entries.Add(new(key, Convert(v, file, depth + 1, ref budget)));
                }
                return new SpecMapping(location, entries);
            default:
                throw Error(location, "unsupported YAML node");
        }
    }

    private static SpecException Error(SourceLocation location, string message) => new([new SpecError(location, message)]);

    // YamlDotNet appends "(Line: x, Col: y, ...)"; the location is reported separately.
    private static string StripMark(string message)
    {
        var i = message.IndexOf("(Line:", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).Trim().TrimEnd('.');
    }
}

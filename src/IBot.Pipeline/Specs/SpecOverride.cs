namespace IBot.Pipeline.Specs;

/// <summary>
/// One <c>--set path=value</c>: a dotted path (list items by index, <c>objectives.0.lambda_cls</c>)
/// and a YAML value (<c>1e-3</c>, <c>[0.1, 0.5]</c>, <c>{start: 0.04}</c>). Intermediate mappings are
/// created as needed; the value is then validated like any other key.
/// </summary>
public sealed record SpecOverride(string[] Path, SpecNode Value, SourceLocation Location)
{
    public static SpecOverride Parse(string text, int index)
    {
        var location = new SourceLocation($"--set #{index}", 1, 1);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw Error(location, $"'{text}' is not path=value");
        var path = text[..eq].Trim().Split('.');
        if (path.Any(string.IsNullOrWhiteSpace)) throw Error(location, $"'{text[..eq]}' is not a dotted path");
        var valueText = text[(eq + 1)..];
        SpecNode value;
        try
        {
            value = YamlSpecReader.Read(valueText.Length == 0 ? "''" : valueText, $"--set {text[..eq]}");
        }
        catch (SpecException e)
        {
            throw Error(location, $"value of {text[..eq]}: {e.Errors[0].Message}");
        }
        return new SpecOverride(path, Relocate(value, location with { File = $"--set {text[..eq]}" }), location);
    }

    public void ApplyTo(SpecMapping root)
    {
        SpecNode current = root;
        for (var i = 0; i < Path.Length; i++)
        {
            var last = i == Path.Length - 1;
            var segment = Path[i];
            var where = string.Join('.', Path[..(i + 1)]);
            switch (current)
            {
                case SpecMapping mapping:
                    var key = new SpecScalar(Location, segment);
                    if (last) { mapping.Set(key, Value); return; }
                    var next = mapping[segment];
                    if (next is null || next is SpecScalar { IsNull: true })
                    {
                        next = new SpecMapping(Location, []);
                        mapping.Set(key, next);
                    }
                    current = next;
                    break;
                case SpecSequence sequence:
                    if (!int.TryParse(segment, out var index) || index < 0 || index >= sequence.Items.Count)
                        throw Error(Location, $"'{where}': '{segment}' is not an index of the list at {sequence.Location} ({sequence.Items.Count} items)");
                    if (last) { sequence.Items[index] = Value; return; }
                    current = sequence.Items[index];
                    break;
                default:
                    throw Error(Location, $"'{where}': '{string.Join('.', Path[..i])}' is {current.Describe()} at {current.Location}, it has no keys");
            }
        }
    }

    private static SpecNode Relocate(SpecNode node, SourceLocation location) => node switch
    {
        SpecScalar s => s with { Location = location },
        SpecSequence q => new SpecSequence(location, q.Items.Select(i => Relocate(i, location)).ToList()),
        SpecMapping m => new SpecMapping(location, m.Entries.Select(e => new KeyValuePair<SpecScalar, SpecNode>(e.Key with { Location = location }, Relocate(e.Value, location))).ToList()),
        _ => node,
    };

    private static SpecException Error(SourceLocation location, string message) => new([new SpecError(location, message)]);
}

using System.Globalization;

namespace IBot.Pipeline.Specs;

/// <summary>A YAML value with its source location: the spec engine's own tree, so every
/// error can point at file, line and column, and composition keeps track of origins.</summary>
public abstract record SpecNode(SourceLocation Location)
{
    public abstract SpecNode DeepClone();

    /// <summary>Short description of the node's kind for error messages.</summary>
    public abstract string Describe();
}

/// <summary>A scalar: its text and whether it was quoted (quoted text is always a string).</summary>
public sealed record SpecScalar(SourceLocation Location, string Value, bool Quoted = false) : SpecNode(Location)
{
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public override SpecNode DeepClone() => this;

    public override string Describe() => IsNull ? "null" : $"'{Value}'";

    public bool TryDouble(out double value)
    {
        value = 0;
        if (Quoted) return false;
        var text = Value.Replace("_", "", StringComparison.Ordinal);
        switch (text)
        {
            case ".inf" or ".Inf" or "+.inf": value = double.PositiveInfinity; return true;
            case "-.inf" or "-.Inf": value = double.NegativeInfinity; return true;
            case ".nan" or ".NaN": value = double.NaN; return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public bool TryLong(out long value)
    {
        value = 0;
        return !Quoted && long.TryParse(Value.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public bool TryBool(out bool value)
    {
        value = false;
        if (Quoted) return false;
        switch (Value)
        {
            case "true" or "True" or "TRUE": value = true; return true;
            case "false" or "False" or "FALSE": return true;
            default: return false;
        }
    }
}

/// <summary>A sequence of values.</summary>
public sealed record SpecSequence(SourceLocation Location, List<SpecNode> Items) : SpecNode(Location)
{
    public override SpecNode DeepClone() => new SpecSequence(Location, Items.Select(i => i.DeepClone()).ToList());

    public override string Describe() => "a list";
}

/// <summary>A mapping with its keys in document order.</summary>
public sealed record SpecMapping(SourceLocation Location, List<KeyValuePair<SpecScalar, SpecNode>> Entries) : SpecNode(Location)
{
    public SpecNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public SpecScalar? KeyOf(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Key;

    public IEnumerable<string> Keys => Entries.Select(e => e.Key.Value);

    public void Set(SpecScalar key, SpecNode value)
    {
        var i = Entries.FindIndex(e => e.Key.Value == key.Value);
        if (i >= 0) Entries[i] = new(Entries[i].Key, value);
        else Entries.Add(new(key, value));
    }

    public bool Remove(string key) => Entries.RemoveAll(e => e.Key.Value == key) > 0;

    public override SpecNode DeepClone() =>
        new SpecMapping(Location, Entries.Select(e => new KeyValuePair<SpecScalar, SpecNode>(e.Key, e.Value.DeepClone())).ToList());

    public override string Describe() => "a mapping";
}

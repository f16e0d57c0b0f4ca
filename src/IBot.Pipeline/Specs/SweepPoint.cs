namespace IBot.Pipeline.Specs;

/// <summary>One run of a sweep: its position, the values the sweep chose (dotted key → value) and
/// the spec tree with those values set, <c>sweep</c> and <c>schedule</c> removed and the name suffixed.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<KeyValuePair<string, SpecNode>> Values, SpecMapping Tree);

using IBot.Pipeline.Lineage.Model;

namespace IBot.Pipeline.Lineage.Graph;

/// <summary>One parameter that differs between two runs (missing on one side included).</summary>
public sealed record ParamDifference(string Key, LineageValue A, LineageValue B);

using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Lineage.Recording;

/// <summary>
/// The canonical inputs of a stage, hashed: the spec sections that decide its result and the
/// hashes of the artifacts it reads. Two stages with equal keys compute the same thing, so
/// <c>--reuse</c> may return the earlier one's results. Names, descriptions, resources and
/// schedules are left out: they do not change a result.
/// </summary>
public static class ReuseKeys
{
    private static readonly string[] NotInputs = ["name", "description", "resources", "schedule", "sweep"];

    /// <summary>A training run: every result-deciding section and its data fingerprints.</summary>
    public static string Training(SpecMapping tree, IEnumerable<DatasetFingerprint> datasets) =>
        Hash("training", Sections(tree, key => !NotInputs.Contains(key)), datasets.Select(d => d.Hash));

    /// <summary>An evaluation-only run: its evaluation data, backbone shape, evaluators and the
    /// weights' SHA-256 (the weights' path is left out: the same bytes anywhere are the same input).</summary>
    public static string Evaluation(SpecMapping tree, IEnumerable<DatasetFingerprint> datasets, string weightsSha256)
    {
        var sections = Sections(tree, key => key is "data" or "backbone" or "evaluate" or "seed");
        if (sections["backbone"] is SpecMapping backbone) backbone.Remove("weights");
        return Hash("evaluation", sections, datasets.Select(d => d.Hash).Append("weights:" + weightsSha256));
    }

    private static SpecMapping Sections(SpecMapping tree, Func<string, bool> keep)
    {
        var copy = (SpecMapping)tree.DeepClone();
        copy.Entries.RemoveAll(e => !keep(e.Key.Value));
        return copy;
    }

    private static string Hash(string stage, SpecMapping sections, IEnumerable<string> inputs) =>
        FileHashes.Sha256Text(stage + "\n" + CanonicalSpec.Json(sections) + "\n" + string.Join("\n", inputs.Order(StringComparer.Ordinal)));
}

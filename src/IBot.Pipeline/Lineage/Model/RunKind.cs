namespace IBot.Pipeline.Lineage.Model;

/// <summary>What a run does: pre-train from a spec, or evaluate existing weights only.</summary>
public enum RunKind
{
    Training,
    Evaluation,
}

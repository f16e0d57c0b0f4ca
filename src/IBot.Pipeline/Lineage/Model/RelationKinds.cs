namespace IBot.Pipeline.Lineage.Model;

/// <summary>The edges the engine writes, each read "FROM kind TO".</summary>
public static class RelationKinds
{
    /// <summary>spec → run.</summary>
    public const string Configures = "configures";

    /// <summary>dataset → run.</summary>
    public const string Feeds = "feeds";

    /// <summary>sweep → run.</summary>
    public const string Expands = "expands";

    /// <summary>run → artifact.</summary>
    public const string Produces = "produces";

    /// <summary>checkpoint artifact → the run that resumed from it.</summary>
    public const string Resumes = "resumes";

    /// <summary>run → an evaluation it performed.</summary>
    public const string Performs = "performs";

    /// <summary>artifact → an evaluation of the network state it holds.</summary>
    public const string EvaluatedBy = "evaluated-by";

    /// <summary>checkpoint artifact → the backbone file <c>ibot export</c> wrote from it.</summary>
    public const string ExportedAs = "exported-as";
}

namespace IBot.Pipeline.Scheduling;

/// <summary>
/// What a queue shared by several <c>ibot serve</c> nodes adds to <see cref="IRunQueue"/>: nodes and runs
/// beat in the database (its clock, not the machines'), so any node sees another node's silent runs.
/// A run is another node's business while that node beats; once both have been silent longer than the
/// timeout, a surviving node takes the run over (one node only, atomically) and settles it from its
/// folder on the shared workspace: requeued to resume from its checkpoint, or finished as its status says.
/// </summary>
public interface IClusterQueue
{
    /// <summary>The node is alive; <paramref name="slots"/> describes its device slots (shown by ibot doctor).</summary>
    void BeatNode(string node, string slots);

    /// <summary>A run process is alive (called by the run itself every few seconds).</summary>
    void BeatRun(string runId);

    /// <summary>Running runs of other nodes where the run and its node have both been silent longer than <paramref name="timeout"/>.</summary>
    IReadOnlyList<QueuedRun> Orphans(string node, TimeSpan timeout);

    /// <summary>Makes <paramref name="toNode"/> responsible for a running run of <paramref name="fromNode"/>;
    /// false when another node took it first or it is no longer running.</summary>
    bool TakeOver(string runId, string fromNode, string toNode);

    /// <summary>Nodes and how long ago each last beat, by the database's clock.</summary>
    IReadOnlyList<(string Node, TimeSpan Silent, string Slots)> Nodes();
}

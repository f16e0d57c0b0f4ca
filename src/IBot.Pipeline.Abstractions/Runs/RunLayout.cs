namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>
/// The one owner of a run folder's layout: every file a run, the service and the commands read
/// or write in <c>&lt;workspace&gt;/&lt;run-id&gt;/</c> is named here and nowhere else.
/// </summary>
/// <param name="Root">The run folder.</param>
public sealed record RunLayout(string Root)
{
    /// <summary>The run id: the folder's name.</summary>
    public string RunId => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root)));

    /// <summary>The resolved spec (YAML), written before the run starts.</summary>
    public string Spec => Path.Combine(Root, "spec.yaml");

    public string CheckpointsFolder => Path.Combine(Root, "checkpoints");

    /// <summary>The training checkpoint: rewritten atomically at every save.</summary>
    public string Checkpoint => Path.Combine(CheckpointsFolder, "checkpoint.safetensors");

    /// <summary>Steps at the log interval, epochs and evaluations, one JSON object a line.</summary>
    public string Metrics => Path.Combine(Root, "metrics.jsonl");

    /// <summary>One JSON object per evaluation: what it measured and which checkpoint.</summary>
    public string Evaluations => Path.Combine(Root, "evaluations.jsonl");

    /// <summary>TensorBoard event files (<c>tensorboard --logdir</c> the workspace).</summary>
    public string TensorBoard => Path.Combine(Root, "tensorboard");

    /// <summary>PNG figures: curves, attention maps.</summary>
    public string Figures => Path.Combine(Root, "figures");

    public string Curves => Path.Combine(Figures, "curves.png");

    /// <summary>The run's own log (progress lines, messages).</summary>
    public string Log => Path.Combine(Root, "run.log");

    /// <summary>Standard output and error of a run started by the service.</summary>
    public string WorkerLog => Path.Combine(Root, "worker.log");

    /// <summary>Touched every few seconds while the run's process lives.</summary>
    public string Heartbeat => Path.Combine(Root, "heartbeat");

    /// <summary>Written when the run ends: <c>completed</c>, <c>failed: reason</c> or <c>cancelled: reason</c>.</summary>
    public string Status => Path.Combine(Root, "status");

    /// <summary>Created (by <c>ibot cancel</c> or the service) to ask the run to checkpoint and stop.</summary>
    public string Cancel => Path.Combine(Root, "cancel");
}

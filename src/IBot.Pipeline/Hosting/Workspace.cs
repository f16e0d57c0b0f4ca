namespace IBot.Pipeline.Hosting;

/// <summary>
/// The folder that holds <c>lineage.db</c> and one folder per run. Resolved as
/// <c>--workspace</c>, else the <c>IBOT_WORKSPACE</c> environment variable, else <c>./runs</c>.
/// </summary>
public sealed record Workspace(string Root)
{
    public const string EnvironmentVariable = "IBOT_WORKSPACE";
    public const string DefaultFolder = "runs";

    /// <summary>Resolves the workspace from an explicit option and the environment. Nothing is created
    /// here: commands that write create the folder when they first write, reads find an empty workspace.
    /// Throws <see cref="ArgumentException"/> when the path names a file.</summary>
    public static Workspace Resolve(string? option, Func<string, string?>? getEnvironment = null, string? currentDirectory = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        currentDirectory ??= Directory.GetCurrentDirectory();
        var chosen = !string.IsNullOrWhiteSpace(option) ? option
            : getEnvironment(EnvironmentVariable) is { Length: > 0 } env ? env
            : DefaultFolder;
        var root = Path.GetFullPath(chosen, currentDirectory);
        if (File.Exists(root))
            throw new ArgumentException($"the workspace {root} is a file, not a folder: give --workspace (or ${EnvironmentVariable}) a folder, new or existing");
        return new Workspace(root);
    }

    public string LineageDatabase => Path.Combine(Root, "lineage.db");

    /// <summary>The run queue and schedules (see <c>Scheduling.QueueDatabase</c>).</summary>
    public string QueueDatabase => Path.Combine(Root, "queue.db");

    public string RunFolder(string runId) => Path.Combine(Root, runId);
}

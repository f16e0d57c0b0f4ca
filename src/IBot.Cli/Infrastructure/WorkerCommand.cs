namespace IBot.Cli.Infrastructure;

/// <summary>How to start this same ibot as a worker: the apphost itself, or <c>dotnet ibot.dll</c>
/// when the service was started through the dotnet host (as tests and <c>dotnet run</c> do).</summary>
public static class WorkerCommand
{
    public static IReadOnlyList<string> Current()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process).Equals("ibot", StringComparison.OrdinalIgnoreCase)) return [process];
        var host = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? process : "dotnet";
        return [host, typeof(CliApp).Assembly.Location];
    }
}

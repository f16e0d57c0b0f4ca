using System.Reflection;
using IBot.Cli.Commands;
using IBot.Cli.Infrastructure;
using IBot.Cli.Output;
using IBot.Pipeline.Components;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli;

/// <summary>Builds the <c>ibot</c> command tree. Tests call <see cref="Create"/> with a test console.</summary>
public static class CliApp
{
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Runs a command line: exit 0 on success, 2 with a one-line error for bad input
    /// (unknown command or option, invalid value, missing file, invalid data), 1 when the work
    /// itself failed. Output goes to <paramref name="console"/>, error and warning lines to
    /// <paramref name="error"/> (standard error; the same console when none is given).</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, string[] args, CancellationToken cancellationToken = default, Func<ComponentCatalog>? catalog = null,
        IAnsiConsole? error = null)
    {
        var errors = new ErrorConsole(error ?? console);
        var app = Build(new BorrowedConsole(console), errors, catalog, out var commands);
        try
        {
            return await app.RunAsync(StandardStreamValues(args), cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failures.Report(e, args, commands, console, errors);
        }
    }

    /// <summary>Options whose value may be <c>-</c>, standard output as Unix tools write it.</summary>
    private static readonly HashSet<string> DashValued = ["--export"];

    /// <summary>Joins <c>--export -</c> into <c>--export=-</c>: the command-line parser takes a lone <c>-</c> for an option
    /// without a name and stops with "Option does not have a name".</summary>
    private static string[] StandardStreamValues(string[] args)
    {
        var joined = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "-" && joined.Count > 0 && DashValued.Contains(joined[^1])) joined[^1] += "=-";
            else joined.Add(args[i]);
        return [.. joined];
    }

    public static CommandApp Create(IAnsiConsole console, Func<ComponentCatalog>? catalog = null) => Build(console, new ErrorConsole(console), catalog, out _);

    /// <summary>Every command the app registers (hidden ones too), with its options and arguments.</summary>
    public static CommandRegistry Commands()
    {
        var none = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        Build(none, new ErrorConsole(none), null, out var registry);
        return registry;
    }

    private static CommandApp Build(IAnsiConsole console, ErrorConsole errors, Func<ComponentCatalog>? catalog, out CommandRegistry registry)
    {
        var services = new ServiceCollection();
        services.AddSingleton(console);
        services.AddSingleton(errors);
        // Built lazily: commands that never touch specs do not load plugins.
        services.AddSingleton(_ => catalog is null ? Catalog.Create() : catalog());
        // The tensor runtime behind the engine's interfaces, and the engine's run worker.
        services.AddSingleton<IBot.Pipeline.Vision.Runtime.TorchRuntime>();
        services.AddSingleton<IBot.Pipeline.Abstractions.Runtime.IRuntimeInfo>(p => p.GetRequiredService<IBot.Pipeline.Vision.Runtime.TorchRuntime>());
        services.AddSingleton<IBot.Pipeline.Abstractions.Runtime.IBackboneExporter>(p => p.GetRequiredService<IBot.Pipeline.Vision.Runtime.TorchRuntime>());
        services.AddSingleton(p => new IBot.Pipeline.Runs.RunWorker(p.GetRequiredService<ComponentCatalog>(), p.GetRequiredService<IBot.Pipeline.Abstractions.Runtime.IRuntimeInfo>()));
        var app = new CommandApp(new TypeRegistrar(services));
        var commands = registry = new CommandRegistry();
        app.Configure(config =>
        {
            config.SetApplicationName("ibot");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            // An unknown option is an error (exit 2, with the closest option), never silently ignored.
            config.UseStrictParsing();
            void Add<TCommand>(string name, string description) where TCommand : class, ICommand
            {
                config.AddCommand<TCommand>(name).WithDescription(description);
                commands.Add(name, typeof(TCommand));
            }
            Add<DoctorCommand>("doctor", "Print versions, threads, CUDA devices, the workspace and the native-library fix state.");
            Add<RunCommand>("run", "Train from a spec in the foreground (or --resume a run), with progress, checkpoints and evaluation.");
            Add<ExportCommand>("export", "Write a run's backbone weights as safetensors under the reference parameter names.");
            Add<PlotCommand>("plot", "Redraw a run's training curves (figures/curves.png) from its metrics.jsonl.");
            Add<ValidateCommand>("validate", "Check a spec without running it: every error as file:line:col.");
            Add<ComponentsCommand>("components", "List every registered kind, where it comes from, and its options.");
            Add<SubmitCommand>("submit", "Expand a spec's sweep and queue its runs (or store its cron schedule); no service needed.");
            Add<ServeCommand>("serve", "The hosted service: run queued runs on device slots, recover crashed ones, fire schedules.");
            Add<UiCommand>("ui", "The web UI: runs, curves, lineage and the queue in a browser (127.0.0.1:5080 by default).");
            Add<QueueCommand>("queue", "Queued and running runs.");
            Add<CancelCommand>("cancel", "Cancel a queued run, or stop a running one (its checkpoint is kept).");
            config.AddBranch<WorkspaceSettings>("schedules", schedules =>
            {
                schedules.SetDescription("Cron schedules of specs submitted with 'schedule:'.");
                schedules.SetDefaultCommand<SchedulesCommand>();
                commands.Add("schedules", typeof(SchedulesCommand));
                schedules.AddCommand<ScheduleRemoveCommand>("remove").WithDescription("Remove a schedule.");
                commands.Add("schedules remove", typeof(ScheduleRemoveCommand));
            });
            Add<RunsCommand>("runs", "List runs: --where filters (and, or, not, = != < <= > >=, in, like), --sort, --limit.");
            Add<ShowCommand>("show", "One run in full: status history, params, metrics, artifacts, evaluations, environment.");
            Add<LineageCommand>("lineage", "Where a run, checkpoint, evaluation or spec came from and what was derived from it; --export writes all lineage as JSON lines.");
            Add<CompareCommand>("compare", "Spec and metric differences between two runs.");
            config.AddCommand<LineageLoadCommand>("lineage-load")
                .WithDescription("Write synthetic runs to the lineage store (concurrency tests).")
                .IsHidden();
            commands.Add("lineage-load", typeof(LineageLoadCommand), hidden: true);
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Benchmarks; JSON on stdout.");
                bench.AddCommand<BenchDataCommand>("data").WithDescription("Multi-crop loader throughput (images per second).");
                bench.AddCommand<BenchTrainCommand>("train").WithDescription("Training-step throughput on random inputs.");
                bench.AddCommand<BenchLineageCommand>("lineage").WithDescription("Lineage store insert and query latency at 1,000, 10,000 and 100,000 runs.");
                bench.AddCommand<BenchUiCommand>("ui").WithDescription("Web UI: time to first render of the runs table at 10,000 runs.");
                commands.Add("bench data", typeof(BenchDataCommand));
                commands.Add("bench train", typeof(BenchTrainCommand));
                commands.Add("bench lineage", typeof(BenchLineageCommand));
                commands.Add("bench ui", typeof(BenchUiCommand));
            });
        });
        return app;
    }
}

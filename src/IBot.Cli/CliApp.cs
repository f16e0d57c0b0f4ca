using System.Reflection;
using IBot.Cli.Commands;
using IBot.Cli.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli;

/// <summary>Builds the <c>ibot</c> command tree. Tests call <see cref="Create"/> with a test console.</summary>
public static class CliApp
{
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static CommandApp Create(IAnsiConsole console)
    {
        var services = new ServiceCollection();
        services.AddSingleton(console);
        var app = new CommandApp(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("ibot");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.AddCommand<DoctorCommand>("doctor")
                .WithDescription("Print versions, threads, CUDA devices, the workspace and the native-library fix state.");
        });
        return app;
    }
}

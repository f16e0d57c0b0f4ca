using System.Reflection;
using Spectre.Console.Cli;

namespace IBot.Cli.Infrastructure;

/// <summary>One registered command: its path, settings type and whether <c>--help</c> hides it.</summary>
public sealed record RegisteredCommand(string Path, Type Settings, bool Hidden)
{
    public string[] Words { get; } = Path.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Its long options with their dashes (<c>--workspace</c>), inherited ones included.</summary>
    public IReadOnlyList<string> Options { get; } = Settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
        .OfType<CommandOptionAttribute>()
        .SelectMany(o => o.LongNames.Select(n => "--" + n))
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Its arguments in position order, with whether each is required.</summary>
    public IReadOnlyList<(string Name, bool Required)> Arguments { get; } = Settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.GetCustomAttribute<CommandArgumentAttribute>())
        .OfType<CommandArgumentAttribute>()
        .OrderBy(a => a.Position)
        .Select(a => (a.ValueName, a.IsRequired)).ToList();
}

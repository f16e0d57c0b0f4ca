using IBot.Pipeline.Specs;
using Spectre.Console.Cli;

namespace IBot.Cli.Infrastructure;

/// <summary>
/// Every command <see cref="CliApp"/> registers, by its path ("bench train", "schedules remove"), with
/// the options and arguments its settings type declares. Spectre.Console.Cli's strict parsing refuses an
/// unknown option but does not say what was meant; this names the closest option of that command. Tests
/// walk it to check every command, hidden ones included.
/// </summary>
public sealed class CommandRegistry
{
    private readonly List<RegisteredCommand> commands = [];

    public IReadOnlyList<RegisteredCommand> Commands => commands;

    /// <summary>Records the command at <paramref name="path"/> (words separated by spaces).</summary>
    public void Add(string path, Type command, bool hidden = false) => commands.Add(new RegisteredCommand(path, SettingsOf(command), hidden));

    /// <summary>The settings type of a <c>Command&lt;TSettings&gt;</c> or <c>AsyncCommand&lt;TSettings&gt;</c>.</summary>
    private static Type SettingsOf(Type command)
    {
        for (var type = command; type is not null; type = type.BaseType)
            if (type.IsGenericType && typeof(CommandSettings).IsAssignableFrom(type.GetGenericArguments()[0]))
                return type.GetGenericArguments()[0];
        throw new ArgumentException($"{command} is not a command with settings", nameof(command));
    }

    /// <summary>The command a command line runs: the longest registered path its leading words spell.</summary>
    public RegisteredCommand? Find(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        return commands.Where(c => c.Words.Length <= words.Count && c.Words.SequenceEqual(words.Take(c.Words.Length)))
            .MaxBy(c => c.Words.Length);
    }

    /// <summary>For a command line that failed to parse: its first option that the command does not take,
    /// and the closest one it does ("; did you mean '--workspace'?") or the list of them; null when every
    /// option is known (the parse failed for another reason).</summary>
    public (string Option, string Hint)? UnknownOption(IReadOnlyList<string> args)
    {
        if (Find(args) is not { } command) return null;
        var known = command.Options;
        foreach (var arg in args.Skip(command.Words.Length))
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--") continue;
            var name = arg.Split('=', 2)[0];
            if (!known.Contains(name)) return (name, Suggestions.Hint(name, known));
        }
        return null;
    }
}

using IBot.Cli.Infrastructure;
using IBot.Pipeline.Lineage.Query;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Output;

/// <summary>
/// How a command that failed ends: its error on standard error, one line per problem (a spec's errors
/// one per line as file:line:col, a query with the expression and a caret under the problem), and, when
/// the command line asked for <c>--json</c>, one JSON object on standard output (<c>{"error": …}</c>,
/// plus the spec errors or the query column) so that a script reading standard output always gets JSON.
/// The exit code: 2 for bad input (no stack trace ever), 1 when the work itself failed.
/// </summary>
public static class Failures
{
    public static int Report(Exception exception, IReadOnlyList<string> args, CommandRegistry commands, IAnsiConsole output, ErrorConsole errors)
    {
        var (code, message, lines, json) = Describe(exception, args, commands);
        // Spec errors come first and the count last, as ibot validate prints them; a query's caret follows its error.
        var first = exception is SpecException;
        if (first) foreach (var line in lines) errors.Line(line);
        errors.Error(message);
        if (!first) foreach (var line in lines) errors.Line(line);
        if (WantsJson(args)) JsonOutput.Write(output, json ?? new { Error = message });
        return code;
    }

    /// <summary>Whether the command line asked for JSON output.</summary>
    public static bool WantsJson(IReadOnlyList<string> args) => args.Any(a => a is "--json" or "--json=true");

    private static (int Code, string Message, IReadOnlyList<string> Lines, object? Json) Describe(Exception e, IReadOnlyList<string> args, CommandRegistry commands)
    {
        switch (e)
        {
            case CommandParseException when commands.UnknownOption(args) is { } unknown:
                return (2, $"unknown option '{unknown.Option}' for 'ibot {commands.Find(args)!.Path}'{unknown.Hint}", [], null);
            case SpecException spec:
            {
                var all = spec.Errors.Select(x => x.ToString()).ToList();
                var message = $"{all.Count} error{(all.Count == 1 ? "" : "s")} in the spec";
                return (2, message, all, new { Error = message, Errors = all });
            }
            case QueryException query:
                // The expression with a caret under the problem: long queries are hard to count by hand.
                return (2, query.Message, ["  " + query.Text, "  " + new string(' ', Math.Max(0, query.Column - 1)) + "^"],
                    new { Error = query.Message, Expression = query.Text, query.Column });
            case StoreException or CommandAppException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException:
                return (2, ErrorConsole.OneLine(e.Message), [], null);
            case OperationCanceledException:
                return (1, "cancelled", [], null);
            default:
                // Never a stack trace: whatever was not foreseen as bad input is the work failing.
                return (1, $"{e.GetType().Name}: {ErrorConsole.OneLine(e.Message)}", [], null);
        }
    }
}

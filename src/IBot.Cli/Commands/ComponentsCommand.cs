using System.ComponentModel;
using System.Reflection;
using IBot.Cli.Output;
using IBot.Pipeline.Components;
using IBot.Pipeline.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot components</c>: every registered kind, its origin and its options.</summary>
public sealed class ComponentsCommand(IAnsiConsole console, ErrorConsole errors, ComponentCatalog catalog) : Command<ComponentsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("JSON instead of tables.")]
        public bool Json { get; init; }
    }

    public sealed record OptionInfo(string Key, string Type, string? Default, string? Description);

    public sealed record ComponentInfo(string Role, string Kind, string Origin, string Description, IReadOnlyList<OptionInfo> Options);

    public static IReadOnlyList<ComponentInfo> Describe(ComponentCatalog catalog) => catalog.All
        .OrderBy(d => d.Role).ThenBy(d => d.Kind, StringComparer.Ordinal)
        .Select(d =>
        {
            var defaults = Activator.CreateInstance(d.OptionsType);
            var options = OptionsBinder.Properties(d.OptionsType).Select(p => new OptionInfo(
                OptionsBinder.KeyOf(p),
                OptionsBinder.TypeName(p.PropertyType),
                Format(p.GetValue(defaults)),
                p.GetCustomAttribute<DescriptionAttribute>()?.Description)).ToList();
            return new ComponentInfo(OptionsBinder.SnakeCase(d.Role.ToString()), d.Kind, d.Origin, d.Description, options);
        }).ToList();

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var components = Describe(catalog);
        if (settings.Json)
        {
            JsonOutput.Write(console, new { Components = components, Problems = catalog.Problems });
            return 0;
        }
        foreach (var c in components)
        {
            var table = new Table().Border(TableBorder.Simple)
                .Title($"[bold]{Markup.Escape(c.Role)}[/] [cyan]{Markup.Escape(c.Kind)}[/] [grey]({Markup.Escape(c.Origin)})[/]")
                .Caption(Markup.Escape(c.Description))
                .AddColumn("option").AddColumn("type").AddColumn("default").AddColumn("what");
            foreach (var o in c.Options)
                table.AddRow(Markup.Escape(o.Key), Markup.Escape(o.Type), Markup.Escape(o.Default ?? "-"), Markup.Escape(o.Description ?? ""));
            console.Write(table);
        }
        foreach (var problem in catalog.Problems) errors.Warning(problem);
        return 0;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object>().Select(v => Format(v))) + "]",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        Enum en => OptionsBinder.SnakeCase(en.ToString()),
        bool b => b ? "true" : "false",
        _ when value.GetType().IsClass => "{…}",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}

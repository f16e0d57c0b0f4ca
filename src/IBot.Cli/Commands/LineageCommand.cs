using IBot.Pipeline.Lineage;
using System.ComponentModel;
using IBot.Cli.Output;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage.Graph;
using IBot.Pipeline.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace IBot.Cli.Commands;

/// <summary><c>ibot lineage ID</c>: ancestors and descendants of a run, checkpoint, evaluation, spec
/// or dataset; <c>ibot lineage --export FILE</c>: the whole lineage as JSON lines.</summary>
public sealed class LineageCommand(IAnsiConsole console) : Command<LineageCommand.Settings>
{
    public sealed class Settings : LineageSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("A run id, artifact:…, eval:…, spec:…, data:… id, or a unique prefix of one (a checkpoint's SHA-256 prefix works).")]
        public string? Id { get; init; }

        [CommandOption("--depth <N>")]
        [Description("How many relations deep to walk each way (default 12).")]
        [DefaultValue(12)]
        public int Depth { get; init; } = 12;

        [CommandOption("--export <FILE>")]
        [Description("Write every lineage record as JSON lines to FILE ('-' for stdout) instead of a tree.")]
        public string? Export { get; init; }

        public override ValidationResult Validate() =>
            Id is null == Export is null ? ValidationResult.Error("give an ID to show its lineage, or --export FILE to export all of it")
            : Depth < 1 ? ValidationResult.Error("--depth must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = Workspace.Resolve(settings.Workspace);
        var store = LineageStores.Open(workspace);
        if (settings.Export is { } file)
            return Export(store, file);
        var id = store.Resolve(settings.Id!) ?? throw new ArgumentException($"nothing with id '{settings.Id}' in {workspace.LineageDatabase}");
        var graph = new LineageGraph(store, settings.Depth);
        if (settings.Json)
        {
            JsonOutput.Write(console, LineageDocument.Of(id, graph));
            return 0;
        }
        var ancestors = graph.Ancestors(id);
        var descendants = graph.Descendants(id);
        console.Write(Tree($"[bold]{Markup.Escape(ancestors.Label)}[/] came from", ancestors));
        console.Write(Tree($"[bold]{Markup.Escape(descendants.Label)}[/] led to", descendants));
        return 0;
    }

    private int Export(Pipeline.Lineage.ILineageStore store, string file)
    {
        if (file == "-")
        {
            store.Export(console.Profile.Out.Writer);
            console.Profile.Out.Writer.Flush();
            return 0;
        }
        // Written beside the target and renamed, so a reader never sees half an export.
        var full = Path.GetFullPath(file);
        var temp = full + ".tmp";
        long lines;
        using (var writer = new StreamWriter(temp)) lines = store.Export(writer);
        File.Move(temp, full, overwrite: true);
        console.MarkupLineInterpolated($"{lines} records -> {full}");
        return 0;
    }

    private static Tree Tree(string title, LineageNode root)
    {
        var tree = new Tree(title);
        foreach (var child in root.Children) Add(tree.AddNode(Label(child)), child);
        if (root.Children.Count == 0) tree.AddNode("[grey](nothing)[/]");
        return tree;
    }

    private static void Add(TreeNode node, LineageNode n)
    {
        foreach (var child in n.Children) Add(node.AddNode(Label(child)), child);
    }

    private static string Label(LineageNode n) =>
        $"[grey]{Markup.Escape(n.Relation ?? "")}[/] {Markup.Escape(n.Label)}{(n.Repeated ? " [grey](see above)[/]" : "")}";
}

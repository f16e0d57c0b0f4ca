using IBot.Pipeline.Components;
using IBot.Pipeline.Vision.Components;

namespace IBot.Cli.Infrastructure;

/// <summary>The component catalog the CLI works with: the built-in plugin, then the plugins from the plugin folders.</summary>
public static class Catalog
{
    public static ComponentCatalog Create(IEnumerable<string>? pluginFolders = null) =>
        ComponentCatalog.Create([new VisionComponents()], pluginFolders ?? PluginLoader.DefaultFolders());
}

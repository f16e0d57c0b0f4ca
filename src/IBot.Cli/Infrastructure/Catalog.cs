using IBot.Pipeline.Components;
using IBot.Pipeline.Vision.Components;

namespace IBot.Cli.Infrastructure;

/// <summary>The component catalog the CLI works with: built-ins plus plugins from the plugin folders.</summary>
public static class Catalog
{
    public static ComponentCatalog Create(IEnumerable<string>? pluginFolders = null)
    {
        var catalog = new ComponentCatalog();
        catalog.AddFrom("built-in", VisionComponents.Register);
        PluginLoader.LoadInto(catalog, pluginFolders ?? PluginLoader.DefaultFolders());
        return catalog;
    }
}

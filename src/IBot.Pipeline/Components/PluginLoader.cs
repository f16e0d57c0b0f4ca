using System.Reflection;
using System.Runtime.Loader;
using IBot.Pipeline.Abstractions.Components;

namespace IBot.Pipeline.Components;

/// <summary>
/// Loads plugin assemblies from the configured folders only, each in its own
/// <see cref="AssemblyLoadContext"/> that shares the abstractions (and what the host already
/// has loaded, so contracts unify) but resolves the plugin's own dependencies from its folder.
/// A plugin that fails to load is reported by name with the reason; the others still work.
/// </summary>
public static class PluginLoader
{
    public const string EnvironmentVariable = "IBOT_PLUGINS";

    /// <summary>Default folders: <c>plugins/</c> next to the executable and under the current directory,
    /// plus the paths in <c>IBOT_PLUGINS</c> (separated by the OS path separator).</summary>
    public static IReadOnlyList<string> DefaultFolders()
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "plugins"), Path.Combine(Directory.GetCurrentDirectory(), "plugins") };
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) folders.AddRange(env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return folders.Select(Path.GetFullPath).Distinct().ToList();
    }

    /// <summary>Loads every <c>*.dll</c> directly in each folder or one level down (a plugin's
    /// build output folder) that holds an <see cref="IPlugin"/>, registering its components.</summary>
    public static void LoadInto(ComponentCatalog catalog, IEnumerable<string> folders)
    {
        foreach (var folder in folders.Where(Directory.Exists))
            foreach (var dll in Candidates(folder))
                LoadOne(catalog, dll);
    }

    private static IEnumerable<string> Candidates(string folder)
    {
        var direct = Directory.EnumerateFiles(folder, "*.dll");
        // A plugin project's published output: plugins/<Name>/<Name>.dll
        var nested = Directory.EnumerateDirectories(folder)
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll"))
            .Where(File.Exists);
        return direct.Concat(nested).Where(p => !Path.GetFileName(p).StartsWith("IBot.Pipeline", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
    }

    private static void LoadOne(ComponentCatalog catalog, string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        try
        {
            var context = new PluginLoadContext(path);
            var assembly = context.LoadFromAssemblyPath(path);
            var types = assembly.GetTypes().Where(t => typeof(IPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();
            if (types.Count == 0) return; // a dependency of some plugin, not a plugin
            foreach (var type in types)
            {
                var plugin = (IPlugin)Activator.CreateInstance(type)!;
                catalog.AddFrom($"plugin {plugin.Name} ({Path.GetFileName(path)})", plugin.Register);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var reason = e is ReflectionTypeLoadException r ? r.LoaderExceptions.FirstOrDefault()?.Message ?? e.Message : (e.InnerException ?? e).Message;
            catalog.ReportProblem($"plugin {name} ({path}) failed to load: {reason}");
        }
    }

    private sealed class PluginLoadContext(string path) : AssemblyLoadContext($"plugin:{Path.GetFileName(path)}", isCollectible: false)
    {
        private readonly AssemblyDependencyResolver resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            // Share whatever the host has (abstractions, framework, DI): one identity for contracts.
            var shared = Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));
            if (shared is not null) return null;
            var local = resolver.ResolveAssemblyToPath(name);
            return local is null ? null : LoadFromAssemblyPath(local);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var local = resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return local is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(local);
        }
    }
}

using IBot.Pipeline.Abstractions.Components;
using Microsoft.Extensions.DependencyInjection;

namespace IBot.Pipeline.Components;

/// <summary>
/// Every registered <c>kind</c>, built-in and from plugins. Each registration is also a keyed
/// service (key <c>role/kind</c>) so components are constructed by the container: an
/// implementation's constructor receives its bound options plus any services it asks for.
/// </summary>
public sealed class ComponentCatalog : IComponentRegistry
{
    private readonly Dictionary<(ComponentRole, string), ComponentDescriptor> byKey = [];
    private readonly List<string> problems = [];
    private string origin = "built-in";

    public IReadOnlyCollection<ComponentDescriptor> All => byKey.Values;

    /// <summary>Registration conflicts and plugins that failed to load, for <c>ibot components</c> and logs.</summary>
    public IReadOnlyList<string> Problems => problems;

    public static string Key(ComponentRole role, string kind) => $"{role}/{kind}";

    public void Add(ComponentDescriptor descriptor)
    {
        var d = descriptor with { Origin = origin };
        if (d.OptionsType.GetConstructor(Type.EmptyTypes) is null)
        {
            problems.Add($"{origin}: options type {d.OptionsType.Name} of {d.Role} '{d.Kind}' needs a parameterless constructor");
            return;
        }
        if (Contract(d.Role) is { } contract && !contract.IsAssignableFrom(d.ImplementationType))
        {
            problems.Add($"{origin}: {d.Role} '{d.Kind}' ({d.ImplementationType.Name}) does not implement {contract.Name}; ignored");
            return;
        }
        if (byKey.TryGetValue((d.Role, d.Kind), out var existing))
        {
            problems.Add($"{origin}: {d.Role} '{d.Kind}' is already registered by {existing.Origin}; ignored");
            return;
        }
        byKey[(d.Role, d.Kind)] = d;
    }

    /// <summary>Registers what <paramref name="register"/> adds, attributed to <paramref name="source"/>.</summary>
    public void AddFrom(string source, Action<IComponentRegistry> register)
    {
        var previous = origin;
        origin = source;
        try
        {
            register(this);
        }
        finally
        {
            origin = previous;
        }
    }

    public void ReportProblem(string problem) => problems.Add(problem);

    /// <summary>The contract a role's implementations must have, for the roles whose contracts the engine
    /// defines (the model roles' contracts live in the vision SDK, whose registration helpers check them).</summary>
    public static Type? Contract(ComponentRole role) => role switch
    {
        ComponentRole.Data => typeof(IBot.Pipeline.Abstractions.Data.IImageSource),
        ComponentRole.Augmentation => typeof(IBot.Pipeline.Abstractions.Data.IAugmentation),
        ComponentRole.Masking => typeof(IBot.Pipeline.Abstractions.Data.IMaskGenerator),
        ComponentRole.Evaluator => typeof(IEvaluator),
        ComponentRole.Method => typeof(IRunMethod),
        _ => null,
    };

    /// <summary>A catalog with <paramref name="builtIns"/> registered first, each as the plugin it is, then the
    /// plugins found in <paramref name="pluginFolders"/>.</summary>
    public static ComponentCatalog Create(IEnumerable<IPlugin> builtIns, IEnumerable<string> pluginFolders)
    {
        var catalog = new ComponentCatalog();
        foreach (var plugin in builtIns) catalog.AddFrom(plugin.Name, plugin.Register);
        PluginLoader.LoadInto(catalog, pluginFolders);
        return catalog;
    }

    public ComponentDescriptor? Find(ComponentRole role, string kind) => byKey.GetValueOrDefault((role, kind));

    public IEnumerable<string> Kinds(ComponentRole role) => byKey.Keys.Where(k => k.Item1 == role).Select(k => k.Item2).Order(StringComparer.Ordinal);

    /// <summary>Adds the catalog and a keyed factory per component to <paramref name="services"/>.</summary>
    public IServiceCollection AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        foreach (var d in byKey.Values)
            services.AddKeyedSingleton<ComponentDescriptor>(Key(d.Role, d.Kind), d);
        return services;
    }

    /// <summary>Constructs the component with its options.</summary>
    public static T Create<T>(IServiceProvider services, ComponentDescriptor descriptor, object options) where T : class
    {
        var instance = ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType, options);
        return instance as T ?? throw new InvalidOperationException($"{descriptor.Role} '{descriptor.Kind}' ({descriptor.ImplementationType}) does not implement {typeof(T).Name}");
    }
}

namespace IBot.Pipeline.Abstractions.Components;

/// <summary>
/// A registered component: the <c>kind</c> name a spec uses in a section of <see cref="Role"/>,
/// its typed options class (bound from YAML, validated before anything runs) and the
/// implementation, constructed with those options.
/// </summary>
public sealed record ComponentDescriptor(
    ComponentRole Role,
    string Kind,
    Type OptionsType,
    Type ImplementationType,
    string Description)
{
    /// <summary>"built-in", or the plugin that registered it.</summary>
    public string Origin { get; init; } = "built-in";
}

/// <summary>Where components are registered: the engine's built-ins and each plugin.</summary>
public interface IComponentRegistry
{
    void Add(ComponentDescriptor descriptor);
}

public static class ComponentRegistryExtensions
{
    /// <summary>Registers <typeparamref name="TImplementation"/> under <paramref name="kind"/>,
    /// configured by <typeparamref name="TOptions"/> (a class with public init properties). The
    /// implementation is constructed with its bound options; it must implement its role's contract
    /// (<see cref="ComponentRole"/>), which the registry checks.</summary>
    public static IComponentRegistry Add<TOptions, TImplementation>(this IComponentRegistry registry, ComponentRole role, string kind, string description)
        where TOptions : class, new()
        where TImplementation : class
    {
        registry.Add(new ComponentDescriptor(role, kind, typeof(TOptions), typeof(TImplementation), description));
        return registry;
    }

    /// <summary>A data source (<see cref="Data.IImageSource"/>).</summary>
    public static IComponentRegistry AddDataSource<TOptions, TSource>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TSource : class, Data.IImageSource =>
        registry.Add<TOptions, TSource>(ComponentRole.Data, kind, description);

    /// <summary>An augmentation (<see cref="Data.IAugmentation"/>).</summary>
    public static IComponentRegistry AddAugmentation<TOptions, TAugmentation>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TAugmentation : class, Data.IAugmentation =>
        registry.Add<TOptions, TAugmentation>(ComponentRole.Augmentation, kind, description);

    /// <summary>A masking (<see cref="Data.IMaskGenerator"/>).</summary>
    public static IComponentRegistry AddMasking<TOptions, TMasking>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TMasking : class, Data.IMaskGenerator =>
        registry.Add<TOptions, TMasking>(ComponentRole.Masking, kind, description);

    /// <summary>An evaluator (<see cref="IEvaluator"/>).</summary>
    public static IComponentRegistry AddEvaluator<TOptions, TEvaluator>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TEvaluator : class, IEvaluator =>
        registry.Add<TOptions, TEvaluator>(ComponentRole.Evaluator, kind, description);

    /// <summary>A method (<see cref="IRunMethod"/>), named by a spec's <c>train.kind</c>.</summary>
    public static IComponentRegistry AddMethod<TOptions, TMethod>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TMethod : class, IRunMethod =>
        registry.Add<TOptions, TMethod>(ComponentRole.Method, kind, description);
}

/// <summary>
/// A plugin assembly's entry point: a public class with a parameterless constructor,
/// discovered in assemblies under the plugin folders. It may only depend on this
/// abstractions assembly (and what it brings itself).
/// </summary>
public interface IPlugin
{
    /// <summary>Shown by <c>ibot components</c> as the components' origin.</summary>
    string Name { get; }

    void Register(IComponentRegistry registry);
}

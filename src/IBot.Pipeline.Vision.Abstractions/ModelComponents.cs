using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Abstractions.Models;
using IBot.Pipeline.Vision.Abstractions.Objectives;

namespace IBot.Pipeline.Vision.Abstractions;

/// <summary>Registration of the model roles, each checked against its contract at compile time.</summary>
public static class ModelComponents
{
    /// <summary>A backbone: <typeparamref name="TFactory"/> is constructed with its bound options and builds the networks.</summary>
    public static IComponentRegistry AddBackbone<TOptions, TFactory>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TFactory : class, IBackboneFactory =>
        registry.Add<TOptions, TFactory>(ComponentRole.Backbone, kind, description);

    /// <summary>A projection head.</summary>
    public static IComponentRegistry AddHead<TOptions, TFactory>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TFactory : class, IHeadFactory =>
        registry.Add<TOptions, TFactory>(ComponentRole.Head, kind, description);

    /// <summary>An objective (a loss term; a spec's entry may give it a <c>weight</c>).</summary>
    public static IComponentRegistry AddObjective<TOptions, TFactory>(this IComponentRegistry registry, string kind, string description)
        where TOptions : class, new() where TFactory : class, IObjectiveFactory =>
        registry.Add<TOptions, TFactory>(ComponentRole.Objective, kind, description);
}

using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace IBot.Cli.Infrastructure;

/// <summary>Lets Spectre.Console.Cli build commands from Microsoft's DI container.</summary>
public sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider());

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());

    private sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type == null ? null : provider.GetService(type);

        public void Dispose() => provider.Dispose();
    }
}

using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Components;

namespace IBot.Pipeline.Tests.Specs;

// Small components so the engine's spec handling is tested without the vision assembly.

public sealed class FolderOptions : IValidatableOptions
{
    [Required] public string Path { get; init; } = "";
    public int Limit { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (!Directory.Exists(Path)) yield return new OptionError("path", $"folder '{Path}' does not exist");
    }
}

public sealed class CropsOptions : ICropGeometry
{
    [Range(1, 4096)] public int GlobalSize { get; init; } = 32;
    [Range(1, 4096)] public int LocalSize { get; init; } = 16;
    public double[] Scale { get; init; } = [0.25, 1.0];
    public IReadOnlyList<int> GlobalCropSizes => [GlobalSize, GlobalSize];
    public IReadOnlyList<int> LocalCropSizes => [LocalSize];
}

public sealed class NetOptions : IPatchGeometry
{
    [Range(1, 64)] public int PatchSize { get; init; } = 4;
    [Range(1, 64)] public int Depth { get; init; } = 2;
    [Range(0.0, 0.99)] public double DropPath { get; init; } = 0.1;
}

public sealed class HeadOpts
{
    [Range(1, 100000)] public int OutDim { get; init; } = 64;
    public bool Shared { get; init; } = true;
}

public sealed class LossOpts : IHeadReference
{
    [Required] public string Head { get; init; } = "";
    public TempOpts TeacherTemp { get; init; } = new();
}

public sealed class TempOpts
{
    [Range(0.001, 10.0)] public double Start { get; init; } = 0.04;
    [Range(0.001, 10.0)] public double End { get; init; } = 0.07;
}

public sealed class ProbeOptions : IPeriodicOptions
{
    public int[] K { get; init; } = [20];
    public int Every { get; init; }
}

public sealed class Dummy;

public static class TestCatalog
{
    public static ComponentCatalog Create()
    {
        var catalog = new ComponentCatalog();
        catalog.AddFrom("built-in", r =>
        {
            r.Add<FolderOptions, Dummy>(ComponentRole.Data, "folder", "test folder");
            r.Add<CropsOptions, Dummy>(ComponentRole.Augmentation, "crops", "test crops");
            r.Add<NetOptions, Dummy>(ComponentRole.Backbone, "net", "test backbone");
            r.Add<HeadOpts, Dummy>(ComponentRole.Head, "head", "test head");
            r.Add<LossOpts, Dummy>(ComponentRole.Objective, "loss", "test loss");
            r.Add<ProbeOptions, Dummy>(ComponentRole.Evaluator, "probe", "test evaluator");
        });
        return catalog;
    }
}

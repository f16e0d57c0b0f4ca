using System.ComponentModel.DataAnnotations;

namespace IBot.Plugins.TestRoles;

public sealed class CheckerboardOptions
{
    [Range(1, 10_000)] public int Count { get; init; } = 32;
    [Range(1, 100)] public int Classes { get; init; } = 4;
    [Range(8, 512)] public int Size { get; init; } = 24;
}

public sealed class CropViewsOptions
{
    [Range(1, 512)] public int GlobalSize { get; init; } = 16;
    [Range(1, 512)] public int LocalSize { get; init; } = 8;
}

public sealed class StripesOptions
{
    [Range(1, 16)] public int Every { get; init; } = 2;
}

public sealed class PatchMlpOptions : IBot.Pipeline.Abstractions.Components.IPatchGeometry
{
    [Range(1, 64)] public int PatchSize { get; init; } = 4;
    [Range(1, 1024)] public int Dim { get; init; } = 16;
}

public sealed class LinearHeadOptions
{
    [Range(1, 100_000)] public int OutDim { get; init; } = 32;
}

public sealed class ClsMseOptions
{
}

public sealed class FeatureNormOptions : IBot.Pipeline.Abstractions.Components.IPeriodicOptions
{
    public int Every { get; init; }
}

public sealed class EmbedOnceOptions : IBot.Pipeline.Abstractions.Components.ITrainingOptions
{
    [Range(1, 1000)] public int Epochs { get; init; } = 1;
    [Range(1, 1024)] public int BatchSize { get; init; } = 4;
    public IReadOnlyList<string> RequiredSections { get; } = ["data.train", "augmentation", "backbone"];
}

using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
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

public sealed class TestSource(FolderOptions options) : IImageSource
{
    public FolderOptions Options { get; } = options;
    public int Count => 0;
    public IReadOnlyList<string> Classes => [];
    public int Label(int index) => 0;
    public RgbImage Load(int index) => throw new InvalidDataException("a test source has no images");
    public string Describe(int index) => $"test:{index}";
}

public sealed class TestCrops(CropsOptions options) : IAugmentation
{
    public CropLayout Layout { get; } = new(2, options.GlobalSize, 1, options.LocalSize);
    public void Apply(RgbImage image, SampleRandom random, IReadOnlyList<Memory<float>> destinations) { }
}

public sealed class TestEvaluator(ProbeOptions options) : IEvaluator
{
    public ProbeOptions Options { get; } = options;
    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(IEvaluationContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>());
}

public enum TestPrecision { Fp32, Bf16 }

public sealed class TestOptimizer
{
    [Range(0.0, 10.0)] public double Lr { get; init; } = 5e-4;
    [Range(0, 1000)] public int WarmupEpochs { get; init; }
    [Range(0.0, 10.0)] public double[] WeightDecay { get; init; } = [0.04, 0.4];
}

public sealed class TestTrainOptions : ITrainingOptions, IValidatableOptions
{
    [Required, Range(1, 1000)] public int Epochs { get; init; }
    [Required, Range(1, 1 << 20)] public int BatchSize { get; init; }
    public TestOptimizer Optimizer { get; init; } = new();
    public TestPrecision Precision { get; init; }
    public IReadOnlyList<string> RequiredSections { get; } = ["data.train", "augmentation", "heads", "objectives"];

    public IEnumerable<OptionError> Validate()
    {
        if (Precision != TestPrecision.Fp32) yield return new OptionError("precision", "not available: no autocast");
        if (Optimizer.WarmupEpochs > Epochs) yield return new OptionError("optimizer.warmup_epochs", "exceeds epochs");
    }
}

public sealed class TestMethod(TestTrainOptions options) : IRunMethod
{
    public TestTrainOptions Options { get; } = options;
    public RunOutcome Run(RunContext context) => new(RunState.Completed, null, null, new Dictionary<string, double>(), Options.Epochs);
}

public sealed class TestEvaluationMethod(Dummy options) : IRunMethod
{
    public Dummy Options { get; } = options;
    public RunOutcome Run(RunContext context) => new(RunState.Completed, null, null, new Dictionary<string, double>(), 0);
}

public static class TestCatalog
{
    public static ComponentCatalog Create()
    {
        var catalog = new ComponentCatalog();
        catalog.AddFrom("built-in", r =>
        {
            r.Add<FolderOptions, TestSource>(ComponentRole.Data, "folder", "test folder");
            r.Add<CropsOptions, TestCrops>(ComponentRole.Augmentation, "crops", "test crops");
            r.Add<NetOptions, Dummy>(ComponentRole.Backbone, "net", "test backbone");
            r.Add<HeadOpts, Dummy>(ComponentRole.Head, "head", "test head");
            r.Add<LossOpts, Dummy>(ComponentRole.Objective, "loss", "test loss");
            r.Add<ProbeOptions, TestEvaluator>(ComponentRole.Evaluator, "probe", "test evaluator");
            r.Add<TestTrainOptions, TestMethod>(ComponentRole.Method, "ibot", "test training method");
            r.Add<Dummy, TestEvaluationMethod>(ComponentRole.Method, "evaluate", "test evaluation method");
        });
        return catalog;
    }
}

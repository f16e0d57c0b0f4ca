using System.Text.Json;
using IBot.Pipeline.Vision.Checkpoints;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>
/// Access to the reference vectors: the directory is <c>IBOT_GOLDEN</c>, else the set vendored
/// with the repository, <c>tests/golden</c> under the repository root, so a fresh clone runs the
/// parity tests with nothing beside it. Every size and option comes from the files' metadata, so
/// the same tests run on other vector sets (<c>tests/golden/make_golden.py</c> makes them).
/// </summary>
public static class Golden
{
    /// <summary>The vector set in the repository, <c>tests/golden</c>.</summary>
    public static string VendoredDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "golden");

    /// <summary>The vector set under test: <c>IBOT_GOLDEN</c>, else <see cref="VendoredDirectory"/>.</summary>
    public static string Directory { get; } = Locate();

    /// <summary>The folder holding IBot.Pipeline.sln above the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IBot.Pipeline.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("repository root (IBot.Pipeline.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("IBOT_GOLDEN");
        return string.IsNullOrWhiteSpace(env) ? VendoredDirectory : Path.GetFullPath(env);
    }

    public static string PathOf(string file)
    {
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"golden file {path} not found; set IBOT_GOLDEN to the reference-vector directory", path);
        return path;
    }

    public static SafeTensorsFile Load(string file) => SafeTensors.Load(PathOf(file));

    public static JsonElement Config(SafeTensorsFile file) => JsonDocument.Parse(file.Metadata["config"]).RootElement;

    public static JsonElement Json(string file) => JsonDocument.Parse(File.ReadAllText(PathOf(file))).RootElement;

    /// <summary>‖ours − ref‖ / ‖ref‖ in double precision.</summary>
    public static double RelativeError(Tensor ours, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var a = ours.detach().cpu().to(ScalarType.Float64);
        var b = reference.detach().cpu().to(ScalarType.Float64);
        Assert.Equal(b.shape, a.shape);
        var denom = b.norm().item<double>();
        var num = (a - b).norm().item<double>();
        return denom == 0 ? num : num / denom;
    }

    public static void AssertClose(Tensor ours, Tensor reference, double tolerance, string what)
    {
        var err = RelativeError(ours, reference);
        Assert.True(err <= tolerance, $"{what}: relative error {err:E3} > {tolerance:E0}");
    }

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static double Double(this JsonElement e, string name) => e.GetProperty(name).GetDouble();

    public static bool Bool(this JsonElement e, string name) => e.GetProperty(name).GetBoolean();

    public static int IntOr(this JsonElement e, string name, int fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    public static double DoubleOr(this JsonElement e, string name, double fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
}

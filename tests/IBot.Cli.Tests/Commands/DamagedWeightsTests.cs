using System.Buffers.Binary;
using System.Text;
using IBot.Cli.Infrastructure;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

/// <summary>
/// A damaged weights file is bad input: <c>ibot export</c> of a run whose checkpoint is damaged,
/// and an evaluation-only spec whose <c>backbone.weights</c> is a damaged safetensors or
/// <c>.pth</c> file, exit 2 with one error line that names the file and says what is wrong,
/// and no stack trace.
/// </summary>
public sealed class DamagedWeightsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-cli-damaged-").FullName;

    /// <summary>Damaged safetensors files (what runs checkpoint to, and what export reads).</summary>
    public static TheoryData<string, byte[], string> SafetensorsFiles() => new()
    {
        { "header.safetensors", HeaderPastTheFile(), "header length 50000000 exceeds" },
        { "overlap.safetensors", Overlapping(), "overlap" },
    };

    /// <summary>Every damaged weights file an evaluation spec may name.</summary>
    public static TheoryData<string, byte[], string> Files()
    {
        var data = SafetensorsFiles();
        data.Add("cut.pth", Encoding.ASCII.GetBytes("PK\u0003\u0004 a zip cut short"), "not a readable PyTorch checkpoint");
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task An_evaluation_spec_on_damaged_weights_exits_2_naming_the_file(string name, byte[] bytes, string reason)
    {
        var weights = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(weights, bytes);
        var spec = Path.Combine(dir, "eval.yaml");
        await File.WriteAllTextAsync(spec, $$"""
            name: eval-damaged
            data:
              eval_train: { kind: fashion_mnist_sample, split: train }
              eval_test: { kind: fashion_mnist_sample, split: test }
            backbone: { kind: vit, patch_size: 4, embed_dim: 16, depth: 1, num_heads: 2, weights: {{weights}} }
            evaluate:
              - { kind: knn, k: [5] }
            """);
        var console = new TestConsole().Width(1000);
        var code = await CliApp.RunAsync(console, ["run", spec, "--workspace", Path.Combine(dir, "ws")], catalog: () => Catalog.Create([]));
        AssertOneErrorLine(console.Output, code, weights, reason);
    }

    [Theory]
    [MemberData(nameof(SafetensorsFiles))]
    public async Task Export_of_a_run_with_a_damaged_checkpoint_exits_2_naming_the_file(string name, byte[] bytes, string reason)
    {
        Assert.EndsWith(".safetensors", name);
        var run = Path.Combine(dir, "run");
        var checkpoint = Path.Combine(run, "checkpoints", "checkpoint.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        await File.WriteAllBytesAsync(checkpoint, bytes);
        var console = new TestConsole().Width(1000);
        var code = await CliApp.RunAsync(console, ["export", run, "--out", Path.Combine(dir, "out.safetensors"), "--workspace", Path.Combine(dir, "ws")],
            catalog: () => Catalog.Create([]));
        AssertOneErrorLine(console.Output, code, checkpoint, reason);
    }

    private static void AssertOneErrorLine(string output, int code, string file, string reason)
    {
        Assert.True(code == 2, output);
        var errors = output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains(file, error);
        Assert.Contains(reason, error);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
    }

    private static byte[] HeaderPastTheFile()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 50_000_000);
        Encoding.ASCII.GetBytes("{\"t\":{}}").CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Overlapping()
    {
        var header = Encoding.ASCII.GetBytes(
            "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}");
        var bytes = new byte[8 + header.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

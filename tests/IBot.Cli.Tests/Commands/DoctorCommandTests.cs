using System.Text.Json;
using Spectre.Console.Testing;

namespace IBot.Cli.Tests.Commands;

public class DoctorCommandTests
{
    [Fact]
    public async Task Prints_versions_workspace_and_fix_state()
    {
        var console = new TestConsole().Width(200);
        var code = await CliApp.Create(console).RunAsync(["doctor", "--workspace", "/tmp/ws-doctor"]);
        Assert.Equal(0, code);
        var text = console.Output;
        foreach (var label in new[] { ".NET", "TorchSharp", "libtorch", "torch threads", "CUDA devices", "native-library fix" })
            Assert.Contains(label, text);
        Assert.Contains("/tmp/ws-doctor", text);
        Assert.DoesNotContain("FAILED TO LOAD", text);
    }

    [Fact]
    public async Task Json_output_is_one_object()
    {
        var console = new TestConsole().Width(400);
        var code = await CliApp.Create(console).RunAsync(["doctor", "--json"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(console.Output);
        Assert.StartsWith("0.107", doc.RootElement.GetProperty("TorchSharp").GetString());
        Assert.Contains(doc.RootElement.GetProperty("native_fix_in_use").GetString(), new[] { "true", "false" });
    }

    [Fact]
    public async Task Version_flag_prints_the_version()
    {
        var console = new TestConsole();
        var code = await CliApp.Create(console).RunAsync(["--version"]);
        Assert.Equal(0, code);
        Assert.Contains(CliApp.Version, console.Output);
    }
}

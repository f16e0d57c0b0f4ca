using System.Diagnostics;

namespace IBot.Cli.Tests.Commands;

/// <summary>
/// The inputs that crashed or hung a real <c>ibot</c> process, run as one: each must end with exit
/// code 2 and an error naming the file and position (or the <c>--where</c> column), never a stack
/// trace, an abort (134) or a hang. Output is read from stdout and stderr together.
/// </summary>
public sealed class BadInputProcessTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-bad-input-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private async Task<(int Code, string Output)> Ibot(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ibot.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["IBOT_WORKSPACE"] = Path.Combine(dir, "runs");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ibot {string.Join(' ', args)} did not end");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void AssertOneLineError(int code, string output, string expected)
    {
        Assert.True(code == 2, $"exit {code}: {output}");
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Stack overflow", output);
    }

    [Fact]
    public async Task A_flow_list_whose_next_line_is_not_indented()
    {
        var spec = Path.Combine(dir, "flow.yaml");
        await File.WriteAllTextAsync(spec, "name: x\nseed: [1,\n2");
        var (code, output) = await Ibot("validate", spec);
        AssertOneLineError(code, output, $"{spec}:3:1: invalid YAML: the '[' at line 2, column 7 is not closed");
    }

    [Fact]
    public async Task Extends_of_a_fifo_and_of_dev_zero()
    {
        var fifo = Path.Combine(dir, "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        var spec = Path.Combine(dir, "child.yaml");
        await File.WriteAllTextAsync(spec, "name: x\nextends: pipe.yaml\n");
        var (code, output) = await Ibot("validate", spec);
        AssertOneLineError(code, output, $"{spec}:2:10: extended spec");
        Assert.Contains("named pipe (FIFO)", output);
        await File.WriteAllTextAsync(spec, "name: x\nextends: /dev/zero\n");
        (code, output) = await Ibot("validate", spec);
        AssertOneLineError(code, output, $"{spec}:2:10: extended spec '/dev/zero' is a character device");
    }

    [Fact]
    public async Task Where_nested_past_the_bound()
    {
        var (code, output) = await Ibot("runs", "--where", new string('(', 25_000) + "name = 'a'" + new string(')', 25_000));
        AssertOneLineError(code, output, "--where: column 257: the expression nests deeper than 256 levels");
        (code, output) = await Ibot("runs", "--where", string.Concat(Enumerable.Repeat("not ", 15_000)) + "name = 'a'");
        AssertOneLineError(code, output, "--where: column 1025:");
    }
}

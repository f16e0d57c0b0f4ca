using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using IBot.Cli;
using IBot.Cli.Infrastructure;
using IBot.Cli.Tests;
using Spectre.Console.Testing;

namespace IBot.Web.Tests;

/// <summary>
/// A workspace with real runs made by ibot (two tiny trainings that differ in their epochs, the first named with a
/// <c>&lt;script&gt;</c> tag, a third that differs from the second only in its backbone's depth and name, and runs
/// submitted but never started), a specs folder (a tiny spec, one that extends it, one in a subfolder that extends that,
/// and links that lead out of the folder), and <c>ibot ui --specs</c> over them in a child process on a free port.
/// Shared by the HTTP and the browser tests.
/// </summary>
public sealed class UiWorkspace : IAsyncLifetime
{
    public const string ScriptName = "<script>window.__xss=1</script> tiny";

    public string Dir { get; } = Directory.CreateTempSubdirectory("ibot-ui-").FullName;

    public string Workspace => Path.Combine(Dir, "ws");

    /// <summary>The UI's specs folder: <see cref="ListedSpecs"/>, and <c>outside.yaml</c> and <c>linked/</c>, links to a
    /// spec file and to the folder outside it.</summary>
    public string Specs => Path.Combine(Dir, "specs");

    /// <summary>What the queue page lists: <c>tiny.yaml</c> (a whole tiny spec, batch 8, one epoch),
    /// <c>tiny-longer.yaml</c> (<c>extends: tiny.yaml</c>: three epochs, which no other run of the workspace has, so
    /// filters on the epochs see none of its runs) and <c>more/tiny-longer-deeper.yaml</c>
    /// (<c>extends: ../tiny-longer.yaml</c>: a two-block backbone).</summary>
    public static readonly string[] ListedSpecs = ["more/tiny-longer-deeper.yaml", "tiny-longer.yaml", "tiny.yaml"];

    public string RunA { get; private set; } = "";

    public string RunB { get; private set; } = "";

    /// <summary>As <see cref="RunB"/> but with a two-block backbone (for a compare of three runs).</summary>
    public string RunC { get; private set; } = "";

    public List<string> Queued { get; } = [];

    /// <summary>The sweep submitted (two runs, queued, never started) and its runs.</summary>
    public string Sweep { get; private set; } = "";

    public List<string> SweepRuns { get; } = [];

    public string Url { get; private set; } = "";

    public HttpClient Http { get; private set; } = new();

    private Process? ui;

    public static string TinySpec(string name, int epochs, int logEvery = 1, params string[] moreEvaluators) =>
        TinySpecs.Training(name, (16, 24, 12), ["{ kind: knn, k: [5] }", .. moreEvaluators], epochs: epochs, logEvery: logEvery);

    /// <summary><c>ibot ARGS --workspace WS</c> in this process.</summary>
    public async Task<(int Code, string Output)> Ibot(params string[] args)
    {
        var console = new TestConsole().Width(400);
        var code = await CliApp.RunAsync(console, [.. args, "--workspace", Workspace], catalog: () => Catalog.Create([]));
        return (code, console.Output);
    }

    public string WriteSpec(string file, string yaml)
    {
        var path = Path.Combine(Dir, file);
        File.WriteAllText(path, yaml);
        return path;
    }

    public async Task InitializeAsync()
    {
        // With attention maps: the run page shows its figures through the file endpoint.
        RunA = await Run(WriteSpec("a.yaml", TinySpec(ScriptName, epochs: 2, moreEvaluators: "{ kind: attention_maps, images: 2 }")));
        RunB = await Run(WriteSpec("b.yaml", TinySpec("tiny b", epochs: 1)));
        RunC = await Run(WriteSpec("c.yaml", TinySpecs.Training("tiny c", (16, 24, 12), ["{ kind: knn, k: [5] }"], epochs: 1, logEvery: 1, depth: 2)));
        foreach (var name in new[] { "queued one", "queued two" })
        {
            var (code, output) = await Ibot("submit", WriteSpec($"{name.Replace(' ', '-')}.yaml", TinySpec(name, epochs: 1)), "--json");
            Assert.True(code == 0, output);
            Queued.Add(JsonDocument.Parse(output).RootElement.GetProperty("runs")[0].GetProperty("id").GetString()!);
        }
        var sweep = TinySpec("tiny sweep", epochs: 1) + "\nsweep:\n  grid: { train.optimizer.lr: [1.0e-4, 2.0e-4] }\n";
        var (sweepCode, sweepOutput) = await Ibot("submit", WriteSpec("sweep.yaml", sweep), "--json");
        Assert.True(sweepCode == 0, sweepOutput);
        var submitted = JsonDocument.Parse(sweepOutput).RootElement;
        Sweep = submitted.GetProperty("sweep_id").GetString()!;
        SweepRuns.AddRange(submitted.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
        Directory.CreateDirectory(Path.Combine(Specs, "more"));
        File.WriteAllText(Path.Combine(Specs, "tiny.yaml"), TinySpec("tiny from specs", epochs: 1));
        File.WriteAllText(Path.Combine(Specs, "tiny-longer.yaml"), "# tiny.yaml for three epochs\nextends: tiny.yaml\nname: tiny longer\ntrain:\n  epochs: 3\n");
        File.WriteAllText(Path.Combine(Specs, "more", "tiny-longer-deeper.yaml"), "extends: ../tiny-longer.yaml\nname: tiny longer deeper\nbackbone: { depth: 2 }\n");
        File.CreateSymbolicLink(Path.Combine(Specs, "outside.yaml"), Path.Combine(Dir, "a.yaml"));
        Directory.CreateSymbolicLink(Path.Combine(Specs, "linked"), Dir);
        (ui, Url) = StartUi(Workspace, "--specs", Specs);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };
    }

    private async Task<string> Run(string spec)
    {
        var (code, output) = await Ibot("run", spec, "--device", "cpu", "--json");
        Assert.True(code == 0, output);
        return JsonDocument.Parse(output).RootElement.GetProperty("run_id").GetString()!;
    }

    /// <summary>This build's ibot.dll through the dotnet host.</summary>
    public static ProcessStartInfo Ibot(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(CliApp).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove(UiOptions.TokenVariable);
        return start;
    }

    /// <summary><c>ibot ui --workspace WS --port 0</c>, and the address it printed.</summary>
    public static (Process Process, string Url) StartUi(string workspace, params string[] more) =>
        StartUi(Ibot(["ui", "--workspace", workspace, "--port", "0", .. more]));

    /// <summary>As <see cref="StartUi(string, string[])"/>, started in <paramref name="workingDirectory"/>.</summary>
    public static (Process Process, string Url) StartUiIn(string workingDirectory, string workspace, params string[] more)
    {
        var start = Ibot(["ui", "--workspace", workspace, "--port", "0", .. more]);
        start.WorkingDirectory = workingDirectory;
        return StartUi(start);
    }

    private static (Process Process, string Url) StartUi(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var read = Task.Run(() => process.StandardOutput.ReadLine());
        if (!read.Wait(TimeSpan.FromSeconds(60)) || read.Result is not { } line || !line.StartsWith("ibot ui: http://", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"ibot ui did not start: {(read.IsCompleted ? read.Result : "(no output)")}\n{errors}");
        }
        // Keep reading, so a full pipe never blocks the UI.
        _ = Task.Run(() => process.StandardOutput.ReadToEnd());
        return (process, line["ibot ui: ".Length..].Split(' ')[0]);
    }

    public async Task<JsonElement> Api(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>())!;
    }

    public Task DisposeAsync()
    {
        if (ui is { HasExited: false }) ui.Kill(entireProcessTree: true);
        ui?.WaitForExit(10_000);
        Http.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A process killed mid-write may still hold a file; the temp folder is left behind.
        }
        return Task.CompletedTask;
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using CsCheck;
using IBot.Pipeline.Specs;
using Xunit.Abstractions;

namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>
/// <c>extends</c> chains that end anywhere: directories, named pipes, sockets, character devices
/// (<c>/dev/zero</c>, <c>/dev/urandom</c>), <c>/proc</c> files, sparse files of gigabytes, files at
/// and past the size limit, symbolic-link loops, dangling links and missing files, in paths
/// spelled every way. Loading ends in bounds with SpecErrors at the <c>extends</c> line that
/// names the bad file; a bad spec named on the command line is an error naming it.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SpecFileFuzzTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-extends-fuzz-").FullName;
    private readonly List<string> targets = [];

    public SpecFileFuzzTests(ITestOutputHelper output)
    {
        this.output = output;
        string Put(string name, string text)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, text);
            return path;
        }
        targets.AddRange(["/dev/zero", "/dev/urandom", "/dev/null", "/dev/full", "/dev/stdin", "/proc/self/status", "/proc/self/mem", "/proc/self/environ", "/proc/self", "/", "/tmp", "/etc/passwd"]);
        targets.Add(Put("base.yaml", "seed: 3\ndescription: base\n"));
        targets.Add(Put("empty.yaml", ""));
        targets.Add(Put("list.yaml", "- a\n- b\n"));
        targets.Add(Put("limit.yaml", "name: " + new string('n', YamlSpecReader.MaxBytes - 7) + "\n"));
        targets.Add(Put("over.yaml", "name: " + new string('n', YamlSpecReader.MaxBytes) + "\n"));
        targets.Add(Put("self.yaml", "extends: self.yaml\n"));
        var huge = Path.Combine(dir, "huge.yaml");
        using (var f = File.Create(huge)) f.SetLength(8L << 30);
        targets.Add(huge);
        var fifo = Path.Combine(dir, "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        targets.Add(fifo);
        var socketPath = Path.Combine(dir, "socket.yaml");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        targets.Add(socketPath);
        Directory.CreateDirectory(Path.Combine(dir, "folder.yaml"));
        targets.Add(Path.Combine(dir, "folder.yaml"));
        foreach (var (link, to) in new[] { ("loop-a", "loop-b"), ("loop-b", "loop-a"), ("dangling", "nowhere"), ("to-zero", "/dev/zero"), ("to-base", "base.yaml"), ("to-pipe", "pipe.yaml"), ("to-folder", "folder.yaml") })
        {
            File.CreateSymbolicLink(Path.Combine(dir, link), to);
            targets.Add(Path.Combine(dir, link));
        }
        targets.Add(Path.Combine(dir, "missing.yaml"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>How a path is written in <c>extends</c>: absolute, relative, with dots and slashes, quoted.</summary>
    private static string Spell(string path, string from, int how) => how switch
    {
        0 => path,
        1 => Path.GetRelativePath(from, path),
        2 => "./" + Path.GetRelativePath(from, path),
        3 => path + "/",
        4 => path.Replace("/", "//", StringComparison.Ordinal),
        5 => $"\"{Path.GetRelativePath(from, path)}\"",
        6 => Path.Combine("..", Path.GetFileName(from), Path.GetRelativePath(from, path)),
        _ => path + "/.",
    };

    [Fact]
    public void Every_target_named_on_the_command_line()
    {
        foreach (var target in targets)
            SpecProperty.Holds(() => SpecComposer.Load(target), positioned: false);
    }

    [Fact]
    public void Extends_chains_ending_anywhere()
    {
        var gen = Gen.Select(Gen.Int[0, targets.Count - 1], Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[0, 5]);
        var ran = FuzzRunner.Check("extends chains", 3, gen, c =>
        {
            var (target, how, length, odd) = c;
            var chain = Directory.CreateDirectory(Path.Combine(dir, $"chain-{Guid.NewGuid():N}")).FullName;
            var next = odd switch
            {
                0 => "~",
                1 => "[a.yaml, b.yaml]",
                2 => "''",
                _ => Spell(targets[target], chain, how),
            };
            for (var i = length; i >= 0; i--)
            {
                File.WriteAllText(Path.Combine(chain, $"s{i}.yaml"), $"name: s{i}\nextends: {next}\nseed: {i}\n");
                next = $"s{i}.yaml";
            }
            SpecProperty.Holds(() => SpecComposer.Load(Path.Combine(chain, "s0.yaml")));
            Directory.Delete(chain, recursive: true);
        }, suiteIterations: 300, print: c => $"{targets[c.Item1]} spelled {c.Item2}, chain {c.Item3}, odd {c.Item4}");
        output.WriteLine($"{ran} chains over {targets.Count} targets");
    }
}

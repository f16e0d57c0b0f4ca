using System.Diagnostics;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Tests.Specs;

/// <summary>Only regular files of bounded size are read as specs, the spec named on the command
/// line and every <c>extends</c> target alike; anything else is a one-line error at the
/// <c>extends</c> line, found without opening the file.</summary>
public sealed class SpecFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-specfile-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Child(string extends)
    {
        var path = Path.Combine(dir, $"child-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"name: x\nextends: {extends}\nseed: 1\n");
        return path;
    }

    // A regression here hangs or exhausts memory; the bound turns that into a failure.
    private static SpecException Rejects(string path)
    {
        var load = Task.Run(() => Assert.Throws<SpecException>(() => SpecComposer.Load(path)));
        Assert.True(load.Wait(TimeSpan.FromSeconds(20)), $"loading {path} did not finish");
        return load.Result;
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]      // read until out of memory: "Out of memory.", exit 134
    [InlineData("/dev/urandom", "character device")]
    [InlineData("/dev/null", "character device")]
    [InlineData("/tmp", "directory")]
    public void Extends_of_something_other_than_a_regular_file_is_an_error_at_the_extends_line(string target, string named)
    {
        var e = Rejects(Child(target));
        Assert.Single(e.Errors);
        Assert.Equal((2, 10), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
        Assert.Contains(named, e.Errors[0].Message);
    }

    [Fact]
    public async Task Extends_of_a_fifo_is_refused_without_opening_it()
    {
        var fifo = Path.Combine(dir, "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var child = Child("pipe.yaml");
        var load = Task.Run(() => Assert.Throws<SpecException>(() => SpecComposer.Load(child)));
        var finished = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20))) == load;
        // The old reader blocks in open(2) until a writer comes: be that writer so nothing is left hanging.
        if (!finished) using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }
        Assert.True(finished, "reading the FIFO blocked");
        var e = await load;
        Assert.Contains("named pipe (FIFO)", e.Errors[0].Message);
        Assert.Equal(2, e.Errors[0].Location.Line);
        // The spec on the command line is checked the same way.
        Assert.Contains("named pipe (FIFO)", Rejects(fifo).Errors[0].Message);
    }

    [Fact]
    public void Symbolic_link_loops_missing_files_and_oversized_files_are_errors()
    {
        File.CreateSymbolicLink(Path.Combine(dir, "loop-a.yaml"), Path.Combine(dir, "loop-b.yaml"));
        File.CreateSymbolicLink(Path.Combine(dir, "loop-b.yaml"), Path.Combine(dir, "loop-a.yaml"));
        Assert.Contains("loop", Rejects(Child("loop-a.yaml")).Errors[0].Message);
        Assert.Contains("not found", Rejects(Child("missing.yaml")).Errors[0].Message);
        var huge = Path.Combine(dir, "huge.yaml");
        using (var f = File.Create(huge)) f.SetLength(64L << 30);   // sparse: 64 GiB that take no disk
        var e = Rejects(Child("huge.yaml"));
        Assert.Contains($"the limit is {YamlSpecReader.MaxBytes}", e.Errors[0].Message);
        Assert.Contains("limit", Rejects(huge).Errors[0].Message);
    }

    [Fact]
    public void A_symbolic_link_to_a_regular_file_is_followed()
    {
        File.WriteAllText(Path.Combine(dir, "base.yaml"), "seed: 7\ndescription: base\n");
        File.CreateSymbolicLink(Path.Combine(dir, "link.yaml"), Path.Combine(dir, "base.yaml"));
        var tree = SpecComposer.Load(Child("link.yaml"));
        Assert.Equal("base", ((SpecScalar)tree["description"]!).Value);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_at_its_line_and_column_not_a_silent_replacement()
    {
        var path = Path.Combine(dir, "latin1.yaml");
        File.WriteAllBytes(path, [.. "name: x\ndescription: caf"u8, 0xE9, .. "\n"u8]);
        var e = Rejects(path);
        Assert.Equal((2, 17), (e.Errors[0].Location.Line, e.Errors[0].Location.Column));
        Assert.Contains("not valid utf-8", e.Errors[0].Message);
    }

    [Fact]
    public void Byte_order_marks_are_honoured()
    {
        var utf8 = Path.Combine(dir, "bom8.yaml");
        File.WriteAllBytes(utf8, [0xEF, 0xBB, 0xBF, .. "name: x\n"u8]);
        Assert.Equal("x", ((SpecScalar)SpecComposer.Load(utf8)["name"]!).Value);
        var utf16 = Path.Combine(dir, "bom16.yaml");
        File.WriteAllBytes(utf16, [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes("name: y\n")]);
        Assert.Equal("y", ((SpecScalar)SpecComposer.Load(utf16)["name"]!).Value);
    }
}

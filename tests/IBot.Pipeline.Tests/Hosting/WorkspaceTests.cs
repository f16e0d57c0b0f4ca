using IBot.Pipeline.Hosting;

namespace IBot.Pipeline.Tests.Hosting;

public class WorkspaceTests
{
    [Fact]
    public void Option_wins_over_environment()
    {
        var ws = Workspace.Resolve("/tmp/a", _ => "/tmp/b", "/home");
        Assert.Equal("/tmp/a", ws.Root);
    }

    [Fact]
    public void Environment_variable_is_used_when_no_option()
    {
        var ws = Workspace.Resolve(null, name => name == Workspace.EnvironmentVariable ? "rel/ws" : null, "/home");
        Assert.Equal("/home/rel/ws", ws.Root);
    }

    [Fact]
    public void Defaults_to_runs_under_the_current_directory()
    {
        var ws = Workspace.Resolve("", _ => null, "/home/u");
        Assert.Equal("/home/u/runs", ws.Root);
        Assert.Equal("/home/u/runs/lineage.db", ws.LineageDatabase);
        Assert.Equal("/home/u/runs/r1", ws.RunFolder("r1"));
    }
}

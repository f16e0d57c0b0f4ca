using IBot.Web.Api;

namespace IBot.Web.Tests;

/// <summary>The file endpoint's path check itself, for paths the HTTP server would normalise before they arrive.</summary>
public sealed class RunFileEndpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ui-files-").FullName;

    private string Run => Path.Combine(dir, "ws", "run-1");

    public RunFileEndpointTests()
    {
        Directory.CreateDirectory(Path.Combine(Run, "figures"));
        File.WriteAllText(Path.Combine(Run, "figures", "curves.png"), "png");
        File.WriteAllText(Path.Combine(dir, "ws", "lineage.db"), "db");
        Directory.CreateDirectory(Path.Combine(dir, "ws", "run-10"));
        File.WriteAllText(Path.Combine(dir, "ws", "run-10", "secret"), "other run");
    }

    [Theory]
    [InlineData("../lineage.db")]
    [InlineData("figures/../../lineage.db")]
    [InlineData("figures/../../run-10/secret")]
    [InlineData("../run-10/secret")]
    [InlineData("/etc/passwd")]
    [InlineData("figures/curves.png\0.txt")]
    [InlineData("")]
    [InlineData("figures")]
    [InlineData("missing.png")]
    public void Paths_that_leave_the_folder_or_name_no_file_resolve_to_nothing(string path) => Assert.Null(RunFileEndpoint.Resolve(Run, path));

    [Fact]
    public void A_file_inside_resolves_to_its_full_path()
    {
        Assert.Equal(Path.Combine(Run, "figures", "curves.png"), RunFileEndpoint.Resolve(Run, "figures/curves.png"));
        Assert.Equal(Path.Combine(Run, "figures", "curves.png"), RunFileEndpoint.Resolve(Run, "figures/./../figures/curves.png"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

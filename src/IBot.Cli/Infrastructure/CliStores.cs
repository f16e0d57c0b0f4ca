using IBot.Pipeline.Postgres;
using IBot.Pipeline.Storage;

namespace IBot.Cli.Infrastructure;

/// <summary>The stores this ibot knows: the workspace's LiteDB files and PostgreSQL. Every command that
/// touches the queue, schedules or lineage opens them here, from <c>--workspace</c> and <c>--store</c>.</summary>
public static class CliStores
{
    public static StoreFactory Factory { get; } = new([new PgStoreProvider()]);

    public static WorkspaceStores Open(string? workspaceOption, string? storeOption) => Factory.Open(workspaceOption, storeOption);
}

namespace IBot.Cli.Commands;

/// <summary>The help text of <c>--store</c>, the same on every command that has it.</summary>
internal static class StoreOption
{
    public const string Template = "--store <URL>";

    public const string Description = "Queue, schedules and lineage: postgres://user@host:port/db (password from PGPASSWORD or .pgpass), "
        + "shared by several machines (default: $IBOT_STORE, else the workspace's LiteDB files).";
}

namespace IBot.Pipeline.Lineage.Model;

/// <summary>A resolved spec, stored once per canonical hash.</summary>
/// <remarks>Id: <c>spec:</c> and the hash.</remarks>
public sealed record SpecRecord(string Id, string Hash, string Name, string Yaml, DateTime Created)
{
    public static string IdOf(string hash) => "spec:" + hash;
}

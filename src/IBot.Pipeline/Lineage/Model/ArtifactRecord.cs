namespace IBot.Pipeline.Lineage.Model;

/// <summary>
/// A file a run produced or consumed, identified by its content: the same bytes are the same
/// artifact wherever they lie, which is what lets an evaluation of an exported file find the run
/// that trained it.
/// </summary>
/// <remarks>Id: <c>artifact:</c> and the first 16 hex digits of <see cref="Sha256"/>.</remarks>
/// <remarks>Kind: checkpoint, weights (an external or exported file) …</remarks>
/// <remarks>ProducedBy: The run that wrote it; null for files from outside the workspace.</remarks>
/// <remarks>Epoch: The epoch the producing run had finished when it wrote it.</remarks>
public sealed record ArtifactRecord(string Id, string Sha256, string Kind, string Path, long Size, string? ProducedBy, int? Epoch, DateTime Created)
{
    public static string IdOf(string sha256) => "artifact:" + sha256[..16];
}

namespace IBot.Pipeline.Lineage.Model;

/// <summary>
/// A cheap identity for the data a run read: a hash of the data source's options plus, for
/// sources that read files, the file count, total size and a hash of the (relative path, size)
/// listing. Contents are not hashed: ImageNet would take longer than a short run.
/// </summary>
/// <remarks>Id: <c>data:</c> and the first 16 hex digits of <see cref="Hash"/>.</remarks>
/// <remarks>Role: The spec key: train, eval_train or eval_test.</remarks>
public sealed record DatasetFingerprint(string Id, string Hash, string Role, string Kind, string Description, long? Files, long? Bytes);

using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Lineage;

/// <summary>The lineage database cannot be used as it is (written by a newer ibot, damaged, or held
/// by another process for too long). The file is left untouched: nothing is recreated over it.</summary>
public sealed class LineageStoreException(string message, Exception? inner = null) : StoreException(message, inner);

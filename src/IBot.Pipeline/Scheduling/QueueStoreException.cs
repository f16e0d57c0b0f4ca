using IBot.Pipeline.Storage;

namespace IBot.Pipeline.Scheduling;

/// <summary>The queue database cannot be used as it is (damaged, not a queue, or held by another
/// process for too long). The file is left untouched: nothing is recreated over it.</summary>
public sealed class QueueStoreException(string message, Exception? inner = null) : StoreException(message, inner);

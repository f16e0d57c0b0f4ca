namespace IBot.Pipeline.Storage;

/// <summary>A store's file cannot be used as it is: damaged, not the store it should be, written by a
/// newer ibot, or held by another process for too long. The file is left untouched, byte for byte:
/// nothing is recreated or repaired over it. Commands report it in one line and exit 2.</summary>
public class StoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The store may work again later as it is (another process held it too long), unlike a
    /// damaged or foreign file, which stays unusable until someone restores or moves it.</summary>
    public bool Transient { get; set; }
}

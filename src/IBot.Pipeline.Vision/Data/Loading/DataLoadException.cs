namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>The dataset has more unreadable images than the run tolerates.</summary>
public sealed class DataLoadException(string message) : Exception(message);

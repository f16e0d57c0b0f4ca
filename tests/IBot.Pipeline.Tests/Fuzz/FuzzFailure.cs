namespace IBot.Pipeline.Tests.Fuzz;

/// <summary>A fuzz property failed, or a case broke its bounds: the message says which and on what.</summary>
public sealed class FuzzFailure(string message, Exception? inner = null) : Exception(message, inner);

namespace IBot.Pipeline.Lineage.Model;

/// <summary>Where a run ran: enough to tell whether two numbers came from comparable setups.</summary>
/// <remarks>SourceRevision: The commit ibot was built from, when the build knew it.</remarks>
public sealed record EnvironmentInfo(
    string Machine,
    string Os,
    string DotNet,
    string? TorchSharp,
    string? LibTorch,
    string Ibot,
    string? SourceRevision);

namespace IBot.Pipeline.Vision.Abstractions.Models;

/// <summary>How a method wants a backbone built.</summary>
/// <param name="ImageSize">The training resolution (the global crop size); the backbone fixes
/// its position grid (or windows) by it and adapts to other input sizes.</param>
/// <param name="MaskedImageModeling">Own a mask embedding (the iBOT student does, the teacher does not).</param>
/// <param name="StochasticDepth">Use the options' stochastic depth (the teacher and evaluation copies do not).</param>
public sealed record BackboneBuild(int ImageSize, bool MaskedImageModeling, bool StochasticDepth);

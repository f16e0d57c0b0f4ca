using IBot.Pipeline.Vision.Abstractions.Objectives;

namespace IBot.Pipeline.Vision.Train;

/// <summary>An objective in a step: its term name (metric <c>loss_&lt;name&gt;</c>), its weight in the total, the term.</summary>
public sealed record StepObjective(string Name, double Weight, IObjective Objective);

namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>The <c>objectives</c> role: a registered kind that builds its loss term for a run.</summary>
public interface IObjectiveFactory
{
    IObjective Create(ObjectiveSetup setup);
}

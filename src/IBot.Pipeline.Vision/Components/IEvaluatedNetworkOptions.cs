namespace IBot.Pipeline.Vision.Components;

/// <summary>Evaluator options that choose whose backbone a training run hands them (teacher or student).</summary>
public interface IEvaluatedNetworkOptions
{
    EvaluatedNetwork Network { get; }
}

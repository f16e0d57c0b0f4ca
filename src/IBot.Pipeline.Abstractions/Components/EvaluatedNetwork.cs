namespace IBot.Pipeline.Abstractions.Components;

/// <summary>Whose backbone an evaluator measures during training (the paper evaluates the teacher).</summary>
public enum EvaluatedNetwork
{
    Teacher,
    Student,
}

/// <summary>Evaluator (or backbone) options that choose the network: teacher or student.</summary>
public interface IEvaluatedNetworkOptions
{
    EvaluatedNetwork Network { get; }
}

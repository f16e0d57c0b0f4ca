namespace IBot.Pipeline.Vision.Methods;

/// <summary>The <c>evaluate</c> method has no options: the backbone section says which weights, the
/// <c>evaluate</c> section how they are measured.</summary>
public sealed class EvaluationMethodOptions
{
}

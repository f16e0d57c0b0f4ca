using IBot.Pipeline.Vision.Abstractions.Runtime;

namespace IBot.Pipeline.Vision.Abstractions.Evaluation;

/// <summary>Options of an evaluator that says in which precision its features are extracted
/// (<c>precision:</c> of an <c>evaluate</c> entry); the context's feature extractors then run the
/// frozen network under <see cref="Autocast"/> and hand out float32 features.</summary>
public interface IPrecisionOptions
{
    Precision Precision { get; }
}

using IBot.Pipeline.Abstractions.Components;

namespace IBot.Pipeline.Abstractions.Runs;

/// <summary>
/// One evaluation a method ran: which evaluator (name, kind, resolved options), whose backbone,
/// after how many epochs, the file that holds exactly the evaluated weights (a checkpoint saved
/// after this epoch, or an evaluation-only run's input; null when no file holds them), the
/// metrics and how long it took. The engine writes it to <c>evaluations.jsonl</c>,
/// <c>metrics.jsonl</c>, TensorBoard and lineage.
/// </summary>
public sealed record EvaluationReport(
    string Evaluator,
    string Kind,
    object? Options,
    EvaluatedNetwork Network,
    int Epoch,
    string? WeightsFile,
    int? WeightsEpoch,
    IReadOnlyDictionary<string, double> Metrics,
    double Seconds);

using System.Text.Json;
using IBot.Pipeline.Abstractions.Components;

namespace IBot.Pipeline.Runs;

/// <summary>
/// One line of a run's <c>evaluations.jsonl</c>: what was evaluated and how, so lineage can
/// answer "which checkpoint produced this number". <see cref="Checkpoint"/> is null when no file
/// holds the evaluated weights (at initialisation, or after an epoch without a checkpoint).
/// </summary>
public sealed record EvaluationRecord(
    DateTime Time,
    string Run,
    string Evaluator,
    string Kind,
    JsonElement? Options,
    EvaluatedNetwork Network,
    int Epoch,
    EvaluatedCheckpoint? Checkpoint,
    IReadOnlyDictionary<string, double> Metrics,
    double Seconds);

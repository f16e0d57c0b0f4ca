using System.Globalization;
using System.Text.Json;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Runs;

/// <summary>
/// A training checkpoint in one safetensors file: <c>student.*</c> and <c>teacher.*</c> under the
/// reference names, the optimiser's moments (<c>optimizer.{param}.exp_avg|exp_avg_sq</c>, step counts
/// in the metadata), every objective's state (<c>objective.{term}.{name}</c>: the iBOT centers), the
/// position (epoch and iteration) and the resolved spec. Written to a temp file and renamed; never
/// written with a non-finite value.
/// </summary>
public static class TrainingCheckpoint
{
    public sealed record Position(int Epoch, long Iteration);

    public static void Save(string path, IBotNetwork student, IBotNetwork teacher, AdamW optimizer, IReadOnlyList<StepObjective> objectives, Position position, string specYaml,
        LossScaler? scaler = null)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        tensors.AddRange(StateDicts.Export(student).Select(kv => KeyValuePair.Create("student." + kv.Key, kv.Value)));
        tensors.AddRange(StateDicts.Export(teacher).Select(kv => KeyValuePair.Create("teacher." + kv.Key, kv.Value)));
        var steps = new Dictionary<string, long>();
        foreach (var (name, state) in optimizer.States)
        {
            tensors.Add(KeyValuePair.Create($"optimizer.{name}.exp_avg", state.ExpAvg));
            tensors.Add(KeyValuePair.Create($"optimizer.{name}.exp_avg_sq", state.ExpAvgSq));
            steps[name] = state.Step;
        }
        foreach (var o in objectives)
            foreach (var (name, state) in o.Objective.State)
                tensors.Add(KeyValuePair.Create($"objective.{o.Name}.{name}", state));
        foreach (var (name, t) in tensors)
            if (!t.isfinite().all().item<bool>())
                throw new InvalidOperationException($"refusing to save a checkpoint: '{name}' holds non-finite values");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "ibot-pipeline/checkpoint/1",
            ["epoch"] = position.Epoch.ToString(CultureInfo.InvariantCulture),
            ["iteration"] = position.Iteration.ToString(CultureInfo.InvariantCulture),
            ["optimizer_steps"] = JsonSerializer.Serialize(steps),
            ["spec"] = specYaml,
        };
        if (scaler is not null)
        {
            metadata["loss_scale"] = scaler.Scale.ToString("R", CultureInfo.InvariantCulture);
            metadata["loss_scale_growth_tracker"] = scaler.GrowthTracker.ToString(CultureInfo.InvariantCulture);
        }
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Restores every piece of state in place and returns the position to continue from. An
    /// fp16 run's loss scale continues from the checkpoint's; one saved by an fp32 or bf16 run
    /// (which has none) starts the scaler afresh.</summary>
    public static Position Load(string path, IBotNetwork student, IBotNetwork teacher, AdamW optimizer, IReadOnlyList<StepObjective> objectives,
        LossScaler? scaler = null)
    {
        using var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || !format.StartsWith("ibot-pipeline/checkpoint/", StringComparison.Ordinal))
            throw new InvalidDataException($"{path} is not an ibot training checkpoint");
        StateDicts.Load(student, file.WithPrefix("student."));
        StateDicts.Load(teacher, file.WithPrefix("teacher."));
        var steps = JsonSerializer.Deserialize<Dictionary<string, long>>(file.Metadata["optimizer_steps"]) ?? [];
        if (scaler is not null && file.Metadata.TryGetValue("loss_scale", out var scale))
            scaler.Restore(float.Parse(scale, NumberStyles.Float, CultureInfo.InvariantCulture),
                int.Parse(file.Metadata["loss_scale_growth_tracker"], CultureInfo.InvariantCulture));
        using (no_grad())
        {
            foreach (var (name, step) in steps)
            {
                var state = optimizer.StateOf(name);
                state.Step = step;
                state.ExpAvg.copy_(file[$"optimizer.{name}.exp_avg"]);
                state.ExpAvgSq.copy_(file[$"optimizer.{name}.exp_avg_sq"]);
            }
            foreach (var o in objectives)
                foreach (var (name, state) in o.Objective.State)
                    state.copy_(file.Tensors.TryGetValue($"objective.{o.Name}.{name}", out var saved) ? saved
                        // Checkpoints from before objectives were components kept the iBOT centers as loss.center(2).
                        : file.Tensors.TryGetValue($"loss.{name}", out var legacy) ? legacy
                        : throw new InvalidDataException($"{path} holds no state '{name}' for objective '{o.Name}'"));
        }
        return new Position(int.Parse(file.Metadata["epoch"], CultureInfo.InvariantCulture), long.Parse(file.Metadata["iteration"], CultureInfo.InvariantCulture));
    }

    /// <summary>The backbone of <paramref name="network"/> (<c>teacher</c> or <c>student</c>) from a checkpoint,
    /// under the reference names without prefix.</summary>
    public static Dictionary<string, Tensor> Backbone(string path, string network)
    {
        var file = SafeTensors.Load(path);
        var prefix = $"{network}.backbone.";
        var result = file.WithPrefix(prefix);
        if (result.Count == 0) throw new InvalidDataException($"{path} has no {network} backbone");
        return result;
    }
}

using System.Text;

namespace IBot.Cli.Tests;

/// <summary>
/// Tiny synthetic iBOT specs that train in seconds (24 px images, a one- or two-block ViT of
/// width 32, batch 8), written in one place so each CLI test states only what it is about.
/// The layout is fixed: tests that check error positions count on it (train.epochs is on
/// line 18 of a spec with labelled data).
/// </summary>
internal static class TinySpecs
{
    /// <param name="name">The spec's name.</param>
    /// <param name="images">Synthetic images in train, eval_train and eval_test.</param>
    /// <param name="evaluate">Evaluator entries, one YAML flow mapping each; with none, the spec
    /// has no labelled data and no <c>evaluate</c> section.</param>
    /// <param name="trainExtra">More <c>train</c> keys, e.g. "workers: 1".</param>
    public static string Training(string name, (int Train, int EvalTrain, int EvalTest) images, string[] evaluate,
        int epochs = 2, int logEvery = 2, int depth = 1, params string[] trainExtra)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine($"name: {name}");
        yaml.AppendLine("seed: 1");
        yaml.AppendLine("data:");
        yaml.AppendLine(Source("train", images.Train, 1));
        if (evaluate.Length > 0)
        {
            yaml.AppendLine(Source("eval_train", images.EvalTrain, 2));
            yaml.AppendLine(Source("eval_test", images.EvalTest, 3));
        }
        yaml.AppendLine("""
            augmentation:
              kind: multi_crop
              global_crops: { count: 2, size: 16, scale: [0.4, 1.0] }
              local_crops: { count: 2, size: 8, scale: [0.1, 0.4] }
            masking: { kind: block }
            """);
        yaml.AppendLine($"backbone: {{ kind: vit, patch_size: 4, embed_dim: 32, depth: {depth}, num_heads: 2 }}");
        yaml.AppendLine("""
            heads:
              ibot: { kind: ibot_head, out_dim: 64, hidden_dim: 64, bottleneck_dim: 16 }
            objectives:
              - { kind: ibot_loss, head: ibot, teacher_temp: { warmup_epochs: 1 } }
            train:
            """);
        yaml.AppendLine($"  epochs: {epochs}");
        yaml.AppendLine("  batch_size: 8");
        yaml.AppendLine("  optimizer: { warmup_epochs: 1 }");
        yaml.AppendLine($"  log_every: {logEvery}");
        foreach (var line in trainExtra) yaml.AppendLine($"  {line}");
        if (evaluate.Length > 0)
        {
            yaml.AppendLine("evaluate:");
            foreach (var evaluator in evaluate) yaml.AppendLine($"  - {evaluator}");
        }
        yaml.Append("resources: { gpus: 0 }");
        return yaml.ToString();
    }

    private static string Source(string split, int count, int seed) =>
        $"  {split}: {{ kind: synthetic, count: {count}, classes: 4, width: 24, height: 24, seed: {seed} }}";
}

using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Abstractions.Objectives;

/// <summary>
/// The outputs of one step's forward passes that objectives read, by name. Crop-major rows: crop 0's
/// images, then crop 1's. The iBOT method provides the names in <see cref="Names"/>; an objective
/// lists what it reads in <see cref="IObjective.Inputs"/> and is refused before training if the
/// method does not provide it.
/// </summary>
public sealed class NetworkOutputs(IReadOnlyDictionary<string, Tensor> outputs, int epoch, int globalCrops, int localCrops, long images)
{
    /// <summary>The names the iBOT method provides.</summary>
    public static class Names
    {
        /// <summary>Student head [CLS] logits of the (masked) global crops, (G·B, K).</summary>
        public const string StudentCls = "student.cls";
        /// <summary>Student head [CLS] logits of the local crops, (L·B, K); absent without local crops.</summary>
        public const string StudentLocalCls = "student.local_cls";
        /// <summary>Student head patch logits at the masked positions, (M, K₂), row-major over <see cref="Masks"/>.</summary>
        public const string StudentPatch = "student.patch";
        /// <summary>Student backbone [CLS] tokens of the (masked) global crops, (G·B, D).</summary>
        public const string StudentBackboneCls = "student.backbone.cls";
        /// <summary>Teacher head [CLS] logits of the global crops, (G·B, K); no gradient.</summary>
        public const string TeacherCls = "teacher.cls";
        /// <summary>Teacher head patch logits at the student's masked positions, (M, K₂); no gradient.</summary>
        public const string TeacherPatch = "teacher.patch";
        /// <summary>Mean teacher patch logit over every patch of the global crops, (1, K₂); no gradient.</summary>
        public const string TeacherPatchMean = "teacher.patch_mean";
        /// <summary>The global crops' masks, (G·B, h, w), true = masked.</summary>
        public const string Masks = "masks";

        public static IReadOnlyList<string> All { get; } =
            [StudentCls, StudentLocalCls, StudentPatch, StudentBackboneCls, TeacherCls, TeacherPatch, TeacherPatchMean, Masks];
    }

    /// <summary>The current epoch (temperature schedules).</summary>
    public int Epoch { get; } = epoch;

    public int GlobalCrops { get; } = globalCrops;

    public int LocalCrops { get; } = localCrops;

    /// <summary>Images in these outputs (the batch, or a shard of it).</summary>
    public long Images { get; } = images;

    public bool Has(string name) => outputs.ContainsKey(name);

    public Tensor this[string name] => outputs.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"network output '{name}' is not provided here (provided: {string.Join(", ", outputs.Keys)})");

    /// <summary>The output, or null when absent (e.g. local crops in a run without them).</summary>
    public Tensor? Find(string name) => outputs.GetValueOrDefault(name);
}

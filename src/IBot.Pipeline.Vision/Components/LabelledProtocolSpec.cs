using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Vision.Data.Labels;
using IBot.Pipeline.Vision.Eval;

namespace IBot.Pipeline.Vision.Components;

/// <summary>Options the trained protocols (<c>linear</c>, <c>finetune</c>) share: which labelled
/// images, which backbone, when, and the random resized crop of their training images.</summary>
public abstract class LabelledProtocolSpec : IPeriodicOptions, IEvaluatedNetworkOptions, IValidatableOptions
{
    [Range(0.01, 1.0), Description("[min, max] area fraction of the random resized crop ([0.08, 1], torchvision's default).")]
    public double[] CropScale { get; init; } = [0.08, 1.0];

    [Description("Labelled training images used: 100%, a percentage per class (1%, 10%: the semi-supervised protocol) or a number per class; class-balanced and seeded.")]
    public string Labels { get; init; } = "100%";

    [Description("Whose backbone: teacher (the paper's choice) or student.")]
    public EvaluatedNetwork Network { get; init; } = EvaluatedNetwork.Teacher;

    [Range(0, 100_000), Description("Epochs between evaluations during pre-training; 0 = at the end only.")]
    public int Every { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (CropScale.Length != 2 || CropScale[0] > CropScale[1]) yield return new OptionError("crop_scale", "must be [min, max] with min <= max");
        if (!LabelFraction.TryParse(Labels, out _, out var error)) yield return new OptionError("labels", error);
        foreach (var e in ValidateProtocol()) yield return e;
    }

    /// <summary>The protocol's own checks, beside the shared ones.</summary>
    protected abstract IEnumerable<OptionError> ValidateProtocol();
}

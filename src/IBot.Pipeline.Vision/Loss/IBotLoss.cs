using IBot.Pipeline.Vision.Abstractions.Objectives;
using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Train;
using TorchSharp;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Loss;

/// <summary>
/// The iBOT objective with its state, the two centers. [CLS] self-distillation: every teacher
/// global crop against every other student crop; masked-patch self-distillation: the same
/// global crop, masked positions only, averaged per image over at least one patch. Teacher
/// outputs are centred and sharpened with temperatures warmed up per epoch; the centers are
/// updated (EMA of the batch mean of teacher outputs) after each loss. Inputs are crop-major:
/// crop 0's images, then crop 1's, and so on. As an objective it reads the iBOT method's head
/// outputs and reports its two parts, <c>cls</c> and <c>patch</c>.
/// </summary>
public sealed class IBotLoss : nn.Module, IObjective
{
    private readonly Tensor center;   // (1, K)
    private readonly Tensor center2;  // (1, 1, K2)
    private readonly double[] teacherTempSchedule;
    private readonly double[] teacherTemp2Schedule;

    /// <param name="options">The spec's options (the reference's argument names in the descriptions).</param>
    /// <param name="setup">The run: epochs, crops, the head's output widths, the masking's start epoch, the device.</param>
    public IBotLoss(IBotLossSpec options, ObjectiveSetup setup) : base(nameof(IBotLoss))
    {
        Options = options;
        Setup = setup;
        center = zeros(1, setup.OutDim, device: setup.Device);
        center2 = zeros(1, 1, setup.PatchOutDim, device: setup.Device);
        var patchTemp = options.TeacherPatchTemp ?? options.TeacherTemp;
        // The warm-up is shared by both temperatures and cut at the run's length, as the reference's arguments are.
        var warmup = Math.Min(options.TeacherTemp.WarmupEpochs, setup.Epochs);
        teacherTempSchedule = Schedules.TeacherTemperature(options.TeacherTemp.Start, options.TeacherTemp.End, warmup, setup.Epochs);
        teacherTemp2Schedule = Schedules.TeacherTemperature(patchTemp.Start, patchTemp.End, warmup, setup.Epochs, setup.MaskStartEpoch);
        register_buffer("center", center);
        register_buffer("center2", center2);
    }

    public IBotLossSpec Options { get; }

    public ObjectiveSetup Setup { get; }

    private int GlobalCrops => Setup.Crops.GlobalCount;

    private double CenterMomentum2 => Options.CenterMomentum2 ?? Options.CenterMomentum;

    public IReadOnlyList<string> Inputs { get; } =
    [
        NetworkOutputs.Names.StudentCls, NetworkOutputs.Names.StudentPatch, NetworkOutputs.Names.TeacherCls,
        NetworkOutputs.Names.TeacherPatch, NetworkOutputs.Names.TeacherPatchMean, NetworkOutputs.Names.Masks,
    ];

    public ObjectiveScope Scope => ObjectiveScope.PerImage;

    /// <summary>The loss of these outputs (student local [CLS] when present), parts <c>cls</c> and <c>patch</c>.</summary>
    public ObjectiveTerms Compute(NetworkOutputs outputs)
    {
        var parts = Compute(outputs[NetworkOutputs.Names.StudentCls], outputs[NetworkOutputs.Names.StudentPatch],
            outputs.Find(NetworkOutputs.Names.StudentLocalCls), outputs[NetworkOutputs.Names.TeacherCls],
            outputs[NetworkOutputs.Names.TeacherPatch], outputs[NetworkOutputs.Names.Masks], outputs.Epoch);
        return new ObjectiveTerms(parts.Total, [KeyValuePair.Create("cls", parts.Cls), KeyValuePair.Create("patch", parts.Patch)]);
    }

    /// <summary>The centers' batch means, this shard's share: the teacher's [CLS] outputs summed over
    /// its rows and divided by the batch's, and the mean patch output weighted by the share.</summary>
    public IReadOnlyDictionary<string, Tensor> Statistics(NetworkOutputs outputs, double share)
    {
        using var scope = NewDisposeScope();
        var teacherCls = outputs[NetworkOutputs.Names.TeacherCls];
        var patchMean = outputs[NetworkOutputs.Names.TeacherPatchMean];
        Tensor clsMean, patch;
        using (no_grad())
        {
            using var rows = teacherCls.shape[0].ToScalar();
            clsMean = teacherCls.sum(0, keepdim: true).div(rows);
            patch = patchMean.detach();
            if (share != 1.0)
            {
                using var weight = share.ToScalar();
                clsMean = clsMean.mul(weight);
                patch = patch.mul(weight);
            }
        }
        return new Dictionary<string, Tensor> { ["center"] = clsMean.MoveToOuterDisposeScope(), ["center2"] = patch.clone().MoveToOuterDisposeScope() };
    }

    public void Update(IReadOnlyDictionary<string, Tensor> statistics) => UpdateCentersFromMeans(statistics["center"], statistics["center2"]);

    public IReadOnlyDictionary<string, Tensor> State => new Dictionary<string, Tensor> { ["center"] = center, ["center2"] = center2 };

    public IReadOnlyList<double> TeacherTempSchedule => teacherTempSchedule;

    public IReadOnlyList<double> TeacherTemp2Schedule => teacherTemp2Schedule;

    public Tensor Center => center;

    public Tensor Center2 => center2;

    /// <param name="studentCls">Student [CLS] of global crops, (G·B, K).</param>
    /// <param name="studentPatch">Student patch outputs of global crops, (G·B, P, K2).</param>
    /// <param name="studentLocalCls">Student [CLS] of local crops, (L·B, K), or null.</param>
    /// <param name="teacherCls">Teacher [CLS] of global crops, (G·B, K).</param>
    /// <param name="teacherPatch">Teacher patch outputs of global crops, (G·B, P, K2).</param>
    /// <param name="masks">Masks of global crops, (G·B, h, w) or (G·B, P), true = masked.</param>
    /// <param name="epoch">Current epoch, selects the temperatures.</param>
    public IBotLossParts Forward(Tensor studentCls, Tensor studentPatch, Tensor? studentLocalCls,
        Tensor teacherCls, Tensor teacherPatch, Tensor masks, int epoch)
    {
        if (epoch < 0 || epoch >= teacherTempSchedule.Length)
            throw new ArgumentOutOfRangeException(nameof(epoch), $"epoch {epoch} is outside the {teacherTempSchedule.Length}-epoch schedule");
        var g = GlobalCrops;
        IBotLossParts parts;
        using (var scope = NewDisposeScope())
        {
            var b = studentCls.shape[0] / g;
            // [CLS]: cross-entropy of every (teacher crop q, student crop v ≠ q) pair, batch-averaged.
            var lossCls = ClsLoss(studentCls, studentLocalCls, teacherCls, epoch);

            using var studentTemp = Options.StudentTemp.ToScalar();
            using var teacherTemp2 = teacherTemp2Schedule[epoch].ToScalar();
            var studentPatchLogp = studentPatch.div(studentTemp).log_softmax(-1);                                 // (G·B, P, K2)
            Tensor teacherPatchP;
            using (no_grad()) teacherPatchP = teacherPatch.sub(center2).div(teacherTemp2).softmax(-1);  // (G·B, P, K2)

            // Patches: same crop only, masked positions, per image over max(1, #masked).
            var m = masks.reshape(masks.shape[0], -1).to(studentPatchLogp.dtype);                               // (G·B, P)
            var perPatch = teacherPatchP.mul(studentPatchLogp).sum(-1).neg();                                     // (G·B, P)
            using var one = 1.0.ToScalar();
            using var globalCrops = g.ToScalar();
            using var lambda2 = Options.LambdaPatch.ToScalar();
            var perImage = perPatch.mul(m).sum(-1).div(m.sum(-1).clamp_min(one));                                // (G·B)
            var lossPatch = perImage.view(g, b).mean(new long[] { 1 }).sum().div(globalCrops).mul(lambda2);

            parts = new IBotLossParts(lossCls.add(lossPatch, Scalars.One).MoveToOuterDisposeScope(),
                lossCls.MoveToOuterDisposeScope(), lossPatch.MoveToOuterDisposeScope());
        }
        UpdateCenter(teacherCls, teacherPatch);
        return parts;
    }

    /// <summary>
    /// The same loss with the student's patch outputs given only at masked positions,
    /// <paramref name="studentMaskedPatch"/> (M, K2) in row-major mask order (see
    /// <see cref="Models.IBotNetwork.ForwardMasked"/>). Unmasked positions carry zero weight in the
    /// reference, so the value and every gradient are the same; the work is a fraction.
    /// </summary>
    public IBotLossParts ForwardMasked(Tensor studentCls, Tensor studentMaskedPatch, Tensor? studentLocalCls,
        Tensor teacherCls, Tensor teacherPatch, Tensor masks, int epoch)
    {
        using var scope = NewDisposeScope();
        Tensor teacherMasked, teacherMean;
        using (no_grad())
        {
            var selection = masks.reshape(masks.shape[0], -1);                                             // (G·B, P)
            teacherMasked = teacherPatch.masked_select(selection.unsqueeze(-1)).view(-1, teacherPatch.shape[2]); // (M, K2)
            teacherMean = teacherPatch.mean([0, 1]).unsqueeze(0);                                          // (1, K2)
        }
        var parts = ForwardSelected(studentCls, studentMaskedPatch, studentLocalCls, teacherCls, teacherMasked, teacherMean, masks, epoch);
        return new IBotLossParts(parts.Total.MoveToOuterDisposeScope(), parts.Cls.MoveToOuterDisposeScope(), parts.Patch.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The loss from only what it reads: student patch outputs at masked positions (M, K2), the
    /// teacher's at the same positions (M, K2) and the teacher's mean patch output over all
    /// patches of the batch (1, K2) for the patch centre (see
    /// <see cref="Models.IBotNetwork.ForwardTeacher"/>). Equal to <see cref="Forward"/>.
    /// </summary>
    public IBotLossParts ForwardSelected(Tensor studentCls, Tensor studentMaskedPatch, Tensor? studentLocalCls,
        Tensor teacherCls, Tensor teacherMaskedPatch, Tensor teacherPatchMean, Tensor masks, int epoch)
    {
        var parts = Compute(studentCls, studentMaskedPatch, studentLocalCls, teacherCls, teacherMaskedPatch, masks, epoch);
        UpdateCenters(teacherCls, teacherPatchMean);
        return parts;
    }

    /// <summary>
    /// <see cref="ForwardSelected"/> without updating the centers: the loss of one shard of a batch
    /// (a mean over the shard's images). A data-parallel step weights each shard's loss by its share
    /// of the batch and then updates the centers once, from the whole batch
    /// (<see cref="UpdateCentersFromMeans"/>), as the reference does across GPUs.
    /// </summary>
    public IBotLossParts Compute(Tensor studentCls, Tensor studentMaskedPatch, Tensor? studentLocalCls,
        Tensor teacherCls, Tensor teacherMaskedPatch, Tensor masks, int epoch)
    {
        if (epoch < 0 || epoch >= teacherTempSchedule.Length)
            throw new ArgumentOutOfRangeException(nameof(epoch), $"epoch {epoch} is outside the {teacherTempSchedule.Length}-epoch schedule");
        var g = GlobalCrops;
        using var scope = NewDisposeScope();
        var lossCls = ClsLoss(studentCls, studentLocalCls, teacherCls, epoch);
        var gb = masks.shape[0];
        var b = gb / g;
        var selection = masks.reshape(gb, -1);                                                         // (G·B, P)
        using var studentTemp = Options.StudentTemp.ToScalar();
        using var teacherTemp2 = teacherTemp2Schedule[epoch].ToScalar();
        using var one = 1.0.ToScalar();
        using var globalCrops = g.ToScalar();
        using var lambda2 = Options.LambdaPatch.ToScalar();
        Tensor teacherP;
        using (no_grad())
            teacherP = teacherMaskedPatch.sub(center2.view(1, -1)).div(teacherTemp2).softmax(-1); // (M, K2)
        var perPosition = teacherP.mul(studentMaskedPatch.div(studentTemp).log_softmax(-1)).sum(-1).neg(); // (M)
        var image = Scalars.Arange(0, gb, 1, masks.device).unsqueeze(1).expand(gb, selection.shape[1]).masked_select(selection); // (M)
        var perImage = zeros(gb, dtype: perPosition.dtype, device: perPosition.device).index_add(0, image, perPosition, one)
            .div(selection.sum(-1).to(perPosition.dtype).clamp_min(one));                                // (G·B)
        var lossPatch = perImage.view(g, b).mean(new long[] { 1 }).sum().div(globalCrops).mul(lambda2);
        return new IBotLossParts(lossCls.add(lossPatch, Scalars.One).MoveToOuterDisposeScope(),
            lossCls.MoveToOuterDisposeScope(), lossPatch.MoveToOuterDisposeScope());
    }

    /// <summary>λ1 · mean cross-entropy over every (teacher global crop, other student crop) pair.</summary>
    private Tensor ClsLoss(Tensor studentCls, Tensor? studentLocalCls, Tensor teacherCls, int epoch)
    {
        var g = GlobalCrops;
        var allCls = studentLocalCls is null ? studentCls : cat([studentCls, studentLocalCls], 0);
        var b = studentCls.shape[0] / g;
        var crops = allCls.shape[0] / b;
        using var studentTemp = Options.StudentTemp.ToScalar();
        using var teacherTemp = teacherTempSchedule[epoch].ToScalar();
        using var batch = b.ToScalar();
        var studentLogp = allCls.div(studentTemp).log_softmax(-1).view(crops, b, -1);                           // (C, B, K)
        Tensor teacherP;
        using (no_grad()) teacherP = teacherCls.sub(center).div(teacherTemp).softmax(-1).view(g, b, -1); // (G, B, K)
        var pairLoss = einsum("qbk,vbk->qv", teacherP, studentLogp).neg().div(batch);                           // (G, C)
        var sameCrop = eye(g, crops, dtype: ScalarType.Bool, device: pairLoss.device);
        var terms = g * crops - g;
        if (terms <= 0) return zeros_like(pairLoss.sum());
        using var zero = 0.0.ToScalar();
        using var pairs = terms.ToScalar();
        using var lambda1 = Options.LambdaCls.ToScalar();
        return pairLoss.masked_fill(sameCrop, zero).sum().div(pairs).mul(lambda1);
    }

    /// <summary>EMA of the batch mean of teacher outputs, in place: center ← m·center + (1 − m)·mean.</summary>
    public void UpdateCenter(Tensor teacherCls, Tensor teacherPatch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var count = teacherPatch.shape[0].ToScalar();
        UpdateCenters(teacherCls, teacherPatch.mean(new long[] { 1 }).sum(0, keepdim: true).div(count)); // (1, K2)
    }

    /// <summary>As <see cref="UpdateCenter"/>, given the mean patch output (1, K2) already.</summary>
    private void UpdateCenters(Tensor teacherCls, Tensor teacherPatchMean)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var count = teacherCls.shape[0].ToScalar();
        UpdateCentersFromMeans(teacherCls.sum(0, keepdim: true).div(count), teacherPatchMean);
    }

    /// <summary>center ← m·center + (1 − m)·mean for both centers, given the batch means of the
    /// teacher's [CLS] outputs (1, K) and of its patch outputs (1, K2).</summary>
    public void UpdateCentersFromMeans(Tensor clsMean, Tensor patchMean)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var m = Options.CenterMomentum.ToScalar();
        using var rest = (1 - Options.CenterMomentum).ToScalar();
        using var m2 = CenterMomentum2.ToScalar();
        using var rest2 = (1 - CenterMomentum2).ToScalar();
        center.mul_(m).add_(clsMean.view(1, -1).mul(rest), Scalars.One);
        center2.mul_(m2).add_(patchMean.view(1, 1, -1).mul(rest2), Scalars.One);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            center.Dispose();
            center2.Dispose();
        }
        base.Dispose(disposing);
    }
}

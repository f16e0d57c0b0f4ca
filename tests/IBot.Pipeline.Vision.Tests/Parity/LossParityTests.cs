using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Loss;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

[Trait("Category", "Parity")]
public sealed class LossParityTests
{
    [Fact]
    public void Loss_parts_gradients_centers_and_temperature_schedules_match()
    {
        using var golden = Golden.Load("loss.safetensors");
        var c = Golden.Config(golden);
        var g = c.Int("global_crops");
        var loss0 = TestLosses.Create(
            OutDim: c.Int("out_dim"),
            PatchOutDim: (int)golden["input.center2"].shape[^1],
            GlobalCrops: g,
            LocalCrops: c.Int("local_crops"),
            WarmupTeacherTemp: c.Double("warmup_teacher_temp"),
            TeacherTemp: c.Double("teacher_temp"),
            WarmupTeacherPatchTemp: c.Double("warmup_teacher_patch_temp"),
            TeacherPatchTemp: c.Double("teacher_patch_temp"),
            WarmupTeacherTempEpochs: c.Int("warmup_teacher_temp_epochs"),
            Epochs: c.Int("epochs"),
            StudentTemp: c.Double("student_temp"),
            CenterMomentum: c.Double("center_momentum"),
            CenterMomentum2: c.DoubleOr("center_momentum2", c.Double("center_momentum")),
            Lambda1: c.Double("lambda1"),
            Lambda2: c.Double("lambda2"),
            MimStartEpoch: c.IntOr("mim_start_epoch", 0));
        using var loss = loss0;
        using (no_grad())
        {
            loss.Center.copy_(golden["input.center"]);
            loss.Center2.copy_(golden["input.center2"]);
        }

        var studentCls = golden["input.student_cls"].clone().requires_grad_();
        var studentPatch = golden["input.student_patch"].clone().requires_grad_();
        var hasLocal = golden.Tensors.TryGetValue("input.student_local_cls", out var local) && local.shape[0] > 0;
        var studentLocal = hasLocal ? local!.clone().requires_grad_() : null;
        var masks = golden["input.masks"];
        using var parts = loss.Forward(studentCls, studentPatch, studentLocal,
            golden["input.teacher_cls"], golden["input.teacher_patch"],
            masks.reshape(-1, masks.shape[^2], masks.shape[^1]), c.Int("epoch"));
        parts.Total.backward();

        Golden.AssertClose(parts.Total, golden["output.loss"], 1e-5, "loss");
        Golden.AssertClose(parts.Cls, golden["output.loss_cls"], 1e-5, "loss_cls");
        Golden.AssertClose(parts.Patch, golden["output.loss_patch"], 1e-5, "loss_patch");
        Golden.AssertClose(studentCls.grad!, golden["output.grad_student_cls"], 1e-4, "grad_student_cls");
        Golden.AssertClose(studentPatch.grad!, golden["output.grad_student_patch"], 1e-4, "grad_student_patch");
        if (studentLocal is not null)
            Golden.AssertClose(studentLocal.grad!, golden["output.grad_student_local_cls"], 1e-4, "grad_student_local_cls");
        Golden.AssertClose(loss.Center, golden["output.center"], 1e-5, "center");
        Golden.AssertClose(loss.Center2, golden["output.center2"], 1e-5, "center2");

        AssertSchedule(loss.TeacherTempSchedule, golden["output.teacher_temp_schedule"], "teacher_temp_schedule");
        AssertSchedule(loss.TeacherTemp2Schedule, golden["output.teacher_temp2_schedule"], "teacher_temp2_schedule");
    }

    [Fact]
    public void Masked_positions_only_variant_gives_the_same_loss_gradients_and_centers()
    {
        using var golden = Golden.Load("loss.safetensors");
        var c = Golden.Config(golden);
        var loss0 = TestLosses.Create(c.Int("out_dim"), (int)golden["input.center2"].shape[^1], c.Int("global_crops"), c.Int("local_crops"),
            c.Double("warmup_teacher_temp"), c.Double("teacher_temp"), c.Double("warmup_teacher_patch_temp"), c.Double("teacher_patch_temp"),
            c.Int("warmup_teacher_temp_epochs"), c.Int("epochs"), c.Double("student_temp"), c.Double("center_momentum"),
            c.DoubleOr("center_momentum2", c.Double("center_momentum")), c.Double("lambda1"), c.Double("lambda2"), c.IntOr("mim_start_epoch", 0));
        using var loss = loss0;
        using (no_grad())
        {
            loss.Center.copy_(golden["input.center"]);
            loss.Center2.copy_(golden["input.center2"]);
        }
        var masks = golden["input.masks"];
        var flatMasks = masks.reshape(-1, masks.shape[^2], masks.shape[^1]);
        var studentCls = golden["input.student_cls"].clone().requires_grad_();
        var studentPatch = golden["input.student_patch"].clone().requires_grad_();
        var selected = studentPatch.masked_select(flatMasks.reshape(flatMasks.shape[0], -1).unsqueeze(-1)).view(-1, studentPatch.shape[^1]);
        var hasLocal = golden.Tensors.TryGetValue("input.student_local_cls", out var local) && local.shape[0] > 0;
        using var parts = loss.ForwardMasked(studentCls, selected, hasLocal ? local : null,
            golden["input.teacher_cls"], golden["input.teacher_patch"], flatMasks, c.Int("epoch"));
        parts.Total.backward();
        Golden.AssertClose(parts.Total, golden["output.loss"], 1e-5, "loss");
        Golden.AssertClose(parts.Patch, golden["output.loss_patch"], 1e-5, "loss_patch");
        Golden.AssertClose(studentPatch.grad!, golden["output.grad_student_patch"], 1e-4, "grad_student_patch");
        Golden.AssertClose(studentCls.grad!, golden["output.grad_student_cls"], 1e-4, "grad_student_cls");
        Golden.AssertClose(loss.Center2, golden["output.center2"], 1e-5, "center2");
    }

    private static void AssertSchedule(IReadOnlyList<double> ours, Tensor reference, string what)
    {
        var expected = reference.data<double>().ToArray();
        Assert.Equal(expected.Length, ours.Count);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(ours[i] - expected[i]) <= 1e-9, $"{what}[{i}]: {ours[i]} vs {expected[i]}");
    }
}

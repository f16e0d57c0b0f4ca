using IBot.Pipeline.Vision.Components;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Train;

/// <summary>
/// The teacher's head as the reference builds it: shared (one last layer) by default whatever the
/// student's, <c>shared_teacher: false</c> for a separate one, and started from the student as
/// <c>load_state_dict(strict=False)</c> leaves it — the student's patch layer when the student's
/// head is separate and the teacher's shared. The train-steps parity test holds the same rule to
/// the reference's recorded initial teacher.
/// </summary>
public sealed class TeacherHeadTests
{
    private static IBotSession Session(HeadSpec head)
    {
        var (method, components) = TinyRuns.Components(headSpec: head);
        return new IBotSession(components, method.Options, 3, CPU);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void The_teacher_head_is_shared_as_shared_teacher_says_and_starts_as_the_reference_starts_it(bool shared, bool sharedTeacher)
    {
        using var session = Session(new HeadSpec { OutDim = 32, HiddenDim = 32, BottleneckDim = 8, Shared = shared, SharedTeacher = sharedTeacher });
        Assert.Equal(shared, ((IBotHead)session.Student.Head).Options.SharedHead);
        Assert.Equal(sharedTeacher, ((IBotHead)session.Teacher.Head).Options.SharedHead);

        var student = session.Student.state_dict();
        var teacher = session.Teacher.state_dict();
        // A separate student head's [CLS] and patch layers start apart, so the rule is visible.
        if (!shared) Assert.False(Same(student["head.last_layer.weight_v"], student["head.last_layer2.weight_v"]));
        var expectedClsSource = !shared && sharedTeacher ? "head.last_layer2.weight_v" : "head.last_layer.weight_v";
        Assert.True(Same(student[expectedClsSource], teacher["head.last_layer.weight_v"]), $"teacher's last layer is not the student's {expectedClsSource}");
        Assert.True(Same(student["backbone.blocks.0.attn.qkv.weight"], teacher["backbone.blocks.0.attn.qkv.weight"]));
        Assert.False(teacher.ContainsKey("backbone.masked_embed"));
    }

    [Fact]
    public void Only_one_shared_head_needs_cls_sized_patch_outputs()
    {
        Assert.Contains(new HeadSpec { OutDim = 32, PatchOutDim = 24, Shared = false, SharedTeacher = true }.Validate(), e => e.Path == "patch_out_dim");
        Assert.Empty(new HeadSpec { OutDim = 32, PatchOutDim = 24, Shared = false, SharedTeacher = false }.Validate());
        Assert.Empty(new HeadSpec { OutDim = 32, PatchOutDim = 32, Shared = false, SharedTeacher = true }.Validate());
        Assert.True(new HeadSpec().SharedTeacher);
    }

    [Fact]
    public void TeacherInit_copies_a_separate_student_patch_layer_into_a_shared_teacher()
    {
        manual_seed(5);
        using var student = new IBotNetwork(TinyModels.Vit(masked: true), TinyModels.Head() with { SharedHead = false });
        using var teacher = new IBotNetwork(TinyModels.Vit(masked: false), TinyModels.Head() with { SharedHead = true });
        TeacherInit.FromStudent(student, teacher);
        using var _ = no_grad();
        Assert.True(Same(student.Head.Module.state_dict()["last_layer2.weight_v"], teacher.Head.Module.state_dict()["last_layer.weight_v"]));
        Assert.True(Same(student.Head.Module.state_dict()["last_layer2.weight_g"], teacher.Head.Module.state_dict()["last_layer.weight_g"]));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}

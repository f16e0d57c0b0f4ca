using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// Starts the teacher from the student's weights, as the reference's train_ibot does with
/// <c>teacher.load_state_dict(student.state_dict(), strict=False)</c>: every tensor both have
/// (the teacher has no mask embedding). One case is not a plain copy: a separate student head
/// (<c>shared: false</c>) with a shared teacher head (<c>shared_teacher: true</c>, the reference's
/// default). The teacher's one last layer is registered under two names, and PyTorch loads a
/// module once per name in registration order, <c>last_layer</c> then <c>last_layer2</c>: the
/// teacher starts from the student's patch layer. <see cref="StateDicts.Load"/> keeps that order
/// for any network; (the teacher's EMA then follows the student's [CLS] layer, the only last layer
/// both networks name; <see cref="TeacherEma"/> pairs by name.)
/// </summary>
public static class TeacherInit
{
    public static void FromStudent(IBotNetwork student, IBotNetwork teacher)
    {
        var state = StateDicts.Export(student);
        state.Remove("backbone.masked_embed");
        try
        {
            StateDicts.Load(teacher, state);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }
}

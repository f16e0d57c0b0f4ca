using IBot.Pipeline.Vision.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// The teacher as an exponential moving average of the student, over the parameters both
/// networks have (matched by name; the teacher has no mask embedding):
/// θ_t ← m·θ_t + (1 − m)·θ_s, in place.
/// </summary>
public sealed class TeacherEma
{
    private readonly (Parameter Student, Parameter Teacher)[] pairs;

    public TeacherEma(nn.Module student, nn.Module teacher)
    {
        var teacherParams = teacher.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        pairs = student.named_parameters()
            .Where(s => teacherParams.ContainsKey(s.name))
            .Select(s =>
            {
                var t = teacherParams[s.name];
                if (!t.shape.SequenceEqual(s.parameter.shape))
                    throw new ArgumentException($"teacher and student differ in the shape of '{s.name}'");
                return (s.parameter, t);
            })
            .ToArray();
    }

    public int Count => pairs.Length;

    public void Update(double momentum)
    {
        using var _ = no_grad();
        using var m = momentum.ToScalar();
        using var rest = (1 - momentum).ToScalar();
        foreach (var (student, teacher) in pairs)
        {
            // Same operation order as the reference: mul_(m), then add_((1 − m)·θ_s).
            using var scaled = student.mul(rest);
            teacher.mul_(m).add_(scaled, Scalars.One);
        }
    }
}

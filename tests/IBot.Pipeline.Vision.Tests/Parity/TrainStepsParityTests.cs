using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Loss;
using IBot.Pipeline.Vision.Models;
using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>Replays the recorded optimisation steps end to end and compares losses and updates.</summary>
[Trait("Category", "Parity")]
public sealed class TrainStepsParityTests
{
    /// <param name="shards">1: the whole batch on one thread; 2: the CPU's data-parallel step
    /// (uneven shards when the recorded batch is odd).</param>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Recorded_steps_replay_with_matching_losses_and_parameter_updates(int shards)
    {
        using var golden = Golden.Load("train_steps.safetensors");
        var c = Golden.Config(golden);
        var setup = Setup.From(golden, c);
        using var student = setup.Student;
        using var teacher = setup.Teacher;
        using var loss = setup.Loss;
        var groups = ParameterGroups.Build(student);
        using var optimizer = new AdamW(groups);
        using var step = new IBotTrainStep(student, teacher, TestLosses.Only(loss), optimizer,
            new StepOptions(c.Double("clip_grad"), c.Int("freeze_last_layer"), shards));

        var lr = Doubles(c, "lr");
        var wd = Doubles(c, "weight_decay");
        var momentum = Doubles(c, "momentum");
        var expectedLosses = golden["output.losses"].data<double>().ToArray();
        var steps = c.Int("steps");
        for (var s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var batch = new TrainBatch(
                Enumerable.Range(0, setup.GlobalCrops).Select(i => golden[$"step{s}.image{i}"]).ToArray(),
                Enumerable.Range(setup.GlobalCrops, setup.LocalCrops).Select(i => golden[$"step{s}.image{i}"]).ToArray(),
                Enumerable.Range(0, setup.GlobalCrops).Select(i => golden[$"step{s}.mask{i}"]).ToArray());
            using var parts = step.Run(batch, new StepSchedule(c.Int("epoch"), lr[s], wd[s], momentum[s]));
            var ours = new[] { parts.Total.item<float>(), parts["loss_ibot_loss_cls"].item<float>(), parts["loss_ibot_loss_patch"].item<float>() };
            for (var j = 0; j < 3; j++)
            {
                var expected = expectedLosses[s * 3 + j];
                var error = Math.Abs(ours[j] - expected) / Math.Max(Math.Abs(expected), 1e-12);
                Assert.True(error <= 1e-4, $"step {s} loss[{j}]: {ours[j]} vs {expected} (relative {error:E2})");
            }
        }

        AssertUpdates(golden, "student", StateDicts.Export(student));
        AssertUpdates(golden, "teacher", StateDicts.Export(teacher));
        Golden.AssertClose(loss.Center, golden["final.center"], 1e-5, "center");
        Golden.AssertClose(loss.Center2, golden["final.center2"], 1e-5, "center2");
    }

    private static void AssertUpdates(SafeTensorsFile golden, string network, Dictionary<string, Tensor> ours)
    {
        var finals = golden.WithPrefix($"final.{network}.");
        var initials = golden.WithPrefix("init.student.");
        Assert.Equal(finals.Keys.Order(), ours.Keys.Order());
        foreach (var (name, final) in finals)
        {
            using var scope = NewDisposeScope();
            var init = initials[name];
            var refUpdate = final - init;
            var ourUpdate = ours[name] - init;
            if (name.EndsWith("attn.qkv.bias", StringComparison.Ordinal))
            {
                // The key third's true gradient is exactly zero (softmax is invariant to it): its
                // update is rounding noise in any implementation, so only q and v are compared.
                var d = refUpdate.shape[0] / 3;
                refUpdate = cat([refUpdate.narrow(0, 0, d), refUpdate.narrow(0, 2 * d, d)], 0);
                ourUpdate = cat([ourUpdate.narrow(0, 0, d), ourUpdate.narrow(0, 2 * d, d)], 0);
            }
            if (refUpdate.abs().max().item<float>() == 0f)
            {
                Assert.True(ourUpdate.abs().max().item<float>() == 0f, $"{network}.{name}: the reference leaves it unchanged, ours moved");
                continue;
            }
            Golden.AssertClose(ourUpdate, refUpdate, 1e-2, $"{network}.{name} update");
        }
    }

    private static double[] Doubles(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>Networks and loss built from the file's metadata and initial weights.</summary>
    private sealed record Setup(IBotNetwork Student, IBotNetwork Teacher, IBotLoss Loss, int GlobalCrops, int LocalCrops)
    {
        public static Setup From(SafeTensorsFile golden, JsonElement c)
        {
            var v = c.GetProperty("vit");
            var h = c.GetProperty("head");
            var vit = new VitOptions(
                ImgSize: v.Int("img_size"), PatchSize: v.Int("patch_size"), EmbedDim: v.Int("embed_dim"),
                Depth: v.Int("depth"), NumHeads: v.Int("num_heads"), DropPathRate: v.Double("drop_path"));
            var init = golden.WithPrefix("init.student.");
            var shared = h.Bool("shared_head");
            var head = new HeadOptions(
                InDim: vit.EmbedDim,
                OutDim: h.Int("out_dim"),
                PatchOutDim: (int)init["head.last_layer2.weight_v"].shape[0],
                NLayers: init.Keys.Count(k => Regex.IsMatch(k, @"^head\.mlp\.(\d+\.)?weight$")),
                HiddenDim: h.Int("hidden_dim"),
                BottleneckDim: h.Int("bottleneck_dim"),
                SharedHead: shared);
            var student = new IBotNetwork(vit with { MaskedImageModeling = true }, head with { NormLastLayer = h.Bool("norm_last_layer_student") });
            var teacherShared = h.TryGetProperty("shared_head_teacher", out var st) ? st.GetBoolean() : shared;
            var teacher = new IBotNetwork(vit with { DropPathRate = 0 },
                head with { NormLastLayer = h.Bool("norm_last_layer_teacher"), SharedHead = teacherShared });
            StateDicts.Load(student, init);
            // The teacher starts from the student as the trainer starts it (TeacherInit, the reference's
            // load_state_dict(strict=False)). Where the file records the reference's initial teacher
            // (init.teacher.*), ours must be exactly that: with a separate student head and a shared
            // teacher head the reference's teacher starts from the student's patch layer.
            TeacherInit.FromStudent(student, teacher);
            var recordedTeacher = golden.WithPrefix("init.teacher.");
            if (recordedTeacher.Count > 0)
            {
                var ours = StateDicts.Export(teacher);
                Assert.Equal(recordedTeacher.Keys.Order(), ours.Keys.Order());
                foreach (var (name, value) in recordedTeacher)
                    Assert.True(value.eq(ours[name]).all().item<bool>(), $"initial teacher {name} is not the reference's");
            }
            student.train();
            teacher.train();

            var g = c.Int("global_crops");
            var (warm, final, warmEpochs, epochs) = ParseTemperature(c.GetProperty("teacher_temp_schedule").GetString()!);
            var (warm2, final2) = c.TryGetProperty("teacher_patch_temp_schedule", out var patchSchedule)
                ? ParseTemperature(patchSchedule.GetString()!) is var p ? (p.Warmup, p.Final) : default
                : (warm, final);
            var loss = TestLosses.Create(
                OutDim: head.OutDim,
                PatchOutDim: head.EffectivePatchOutDim,
                GlobalCrops: g,
                LocalCrops: c.Int("local_crops"),
                WarmupTeacherTemp: warm,
                TeacherTemp: final,
                WarmupTeacherPatchTemp: warm2,
                TeacherPatchTemp: final2,
                WarmupTeacherTempEpochs: warmEpochs,
                Epochs: epochs,
                StudentTemp: c.DoubleOr("student_temp", 0.1),
                Lambda1: c.Double("lambda1"),
                Lambda2: c.Double("lambda2"),
                MimStartEpoch: c.IntOr("mim_start_epoch", c.IntOr("pred_start_epoch", 0)));
            return new Setup(student, teacher, loss, g, c.Int("local_crops"));
        }

        /// <summary>"warmup 0.04 -> 0.07 over 3 of 10 epochs".</summary>
        private static (double Warmup, double Final, int WarmupEpochs, int Epochs) ParseTemperature(string text)
        {
            var m = Regex.Match(text, @"warmup\s+([0-9.eE+-]+)\s*->\s*([0-9.eE+-]+)\s+over\s+(\d+)\s+of\s+(\d+)\s+epochs");
            Assert.True(m.Success, $"unrecognised temperature schedule '{text}'");
            var ci = CultureInfo.InvariantCulture;
            return (double.Parse(m.Groups[1].Value, ci), double.Parse(m.Groups[2].Value, ci),
                int.Parse(m.Groups[3].Value, ci), int.Parse(m.Groups[4].Value, ci));
        }
    }
}

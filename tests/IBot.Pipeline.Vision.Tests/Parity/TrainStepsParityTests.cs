using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IBot.Pipeline.Vision.Abstractions.Runtime;
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
        var e = Replay(shards, Precision.Fp32);
        Assert.True(e.Loss <= 1e-4, $"loss: {e.Describe()}");
        foreach (var (name, error) in e.Updates)
            Assert.True(error <= 1e-2, $"{name} update: relative error {error:E3} > 1E-02");
        Assert.True(e.Center <= 1e-5, $"centers: {e.Describe()}");
    }

    /// <summary>
    /// bf16 against the fp32 reference: the same replay with the products in bfloat16. The
    /// tolerances come from bfloat16's unit roundoff u = 2⁻⁸ (README, "Mixed precision", gives the
    /// reasoning and the measured errors): losses within 8u of the reference's (each product's
    /// inputs and output rounded once, amplified by the temperatures 1/0.1 and 1/0.04 of the
    /// softmaxes; measured about 3.3u), centers within 4u (means of teacher softmaxes; measured
    /// 0.9u). AdamW normalises each gradient coordinate, so a coordinate with a gradient smaller
    /// than its rounding can change sign: updates are compared as the median parameter within 8u
    /// (measured 3u) and every parameter within 0.25 (measured at most 0.2, on the teacher's final
    /// norm bias), which a missing or wrong gradient (error 1 or more) still fails.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Recorded_steps_replay_in_bf16_within_bfloat16_rounding(int shards)
    {
        const double u = 1.0 / 256;
        var e = Replay(shards, Precision.Bf16);
        Assert.True(e.Loss <= 8 * u, $"loss: {e.Describe()}");
        Assert.True(e.MedianUpdate <= 8 * u, $"median update: {e.Describe()}");
        foreach (var (name, error) in e.Updates)
            Assert.True(error <= 0.25, $"{name} update: relative error {error:E3} > 0.25; {e.Describe()}");
        Assert.True(e.Center <= 4 * u, $"centers: {e.Describe()}");
        // Not fp32 in disguise: bfloat16 rounding must show.
        Assert.True(e.Loss > 1e-5, $"bf16 losses equal fp32's to {e.Loss:E2}: the products did not run in bfloat16");
    }

    /// <summary>The largest relative errors of a replay: losses (over steps and parts), each parameter's
    /// update (student and teacher), and the centers.</summary>
    private sealed record Errors(double Loss, IReadOnlyList<(string Name, double Error)> Updates, double Center)
    {
        public double MedianUpdate => Updates.Select(u => u.Error).Order().ElementAt(Updates.Count / 2);

        public string Describe() => FormattableString.Invariant(
            $"loss {Loss:E2}, centers {Center:E2}, largest update {Updates.MaxBy(u => u.Error).Name} {Updates.Max(u => u.Error):E2}, median update {MedianUpdate:E2}");
    }

    private static Errors Replay(int shards, Precision precision)
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
            new StepOptions(c.Double("clip_grad"), c.Int("freeze_last_layer"), shards, precision));

        var lr = Doubles(c, "lr");
        var wd = Doubles(c, "weight_decay");
        var momentum = Doubles(c, "momentum");
        var expectedLosses = golden["output.losses"].data<double>().ToArray();
        var steps = c.Int("steps");
        var lossError = 0.0;
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
                lossError = Math.Max(lossError, Math.Abs(ours[j] - expected) / Math.Max(Math.Abs(expected), 1e-12));
            }
        }

        var updates = new List<(string, double)>();
        updates.AddRange(UpdateErrors(golden, "student", StateDicts.Export(student)));
        updates.AddRange(UpdateErrors(golden, "teacher", StateDicts.Export(teacher)));
        var center = Math.Max(Golden.RelativeError(loss.Center, golden["final.center"]), Golden.RelativeError(loss.Center2, golden["final.center2"]));
        return new Errors(lossError, updates, center);
    }

    private static IEnumerable<(string Name, double Error)> UpdateErrors(SafeTensorsFile golden, string network, Dictionary<string, Tensor> ours)
    {
        var finals = golden.WithPrefix($"final.{network}.");
        var initials = golden.WithPrefix("init.student.");
        Assert.Equal(finals.Keys.Order(), ours.Keys.Order());
        var errors = new List<(string, double)>();
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
            errors.Add(($"{network}.{name}", Golden.RelativeError(ourUpdate, refUpdate)));
        }
        return errors;
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

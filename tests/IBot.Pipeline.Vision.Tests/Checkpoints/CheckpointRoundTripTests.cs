using System.Collections;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Checkpoints;

public sealed class CheckpointRoundTripTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-ckpt-").FullName;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Safetensors_round_trip_gives_identical_outputs(bool shared)
    {
        manual_seed(1);
        using var original = new IBotNetwork(TinyModels.Vit(), TinyModels.Head(shared));
        var path = Path.Combine(dir, "net.safetensors");
        SafeTensors.Save(path, StateDicts.Export(original), new Dictionary<string, string> { ["format"] = "ibot" });

        manual_seed(2);
        using var restored = new IBotNetwork(TinyModels.Vit(), TinyModels.Head(shared));
        using var file = SafeTensors.Load(path);
        Assert.Equal("ibot", file.Metadata["format"]);
        // Shared or not, the file carries both last layers under the reference names.
        Assert.True(file.Tensors.ContainsKey("head.last_layer2.weight_g"));
        if (shared) Assert.True(Same(file["head.last_layer2.weight_v"], file["head.last_layer.weight_v"]));
        StateDicts.Load(restored, file.Tensors);

        using var _ = no_grad();
        original.eval();
        restored.eval();
        var images = randn(2, 3, 16, 16);
        var mask = rand(2, 4, 4).lt(0.5);
        using var a = original.Forward(images, mask);
        using var b = restored.Forward(images, mask);
        Assert.True(Same(a.Cls, b.Cls));
        Assert.True(Same(a.Patches!, b.Patches!));
    }

    [Fact]
    public void Every_dtype_survives_a_round_trip()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 2),
            ["f64"] = randn(4, dtype: ScalarType.Float64),
            ["i64"] = tensor(new long[] { -5, 0, 1L << 40 }),
            ["u8"] = tensor(new byte[] { 0, 128, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["f16"] = randn(5).to(ScalarType.Float16),
            ["bf16"] = randn(5).to(ScalarType.BFloat16),
        };
        var path = Path.Combine(dir, "dtypes.safetensors");
        SafeTensors.Save(path, tensors);
        using var file = SafeTensors.Load(path);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, file[name].dtype);
            Assert.True(Same(t, file[name]), name);
        }
    }

    [Fact]
    public void Reference_pth_checkpoint_imports_teacher_and_backbone()
    {
        manual_seed(3);
        using var source = new IBotNetwork(TinyModels.Vit(masked: false), TinyModels.Head());
        var teacherState = new Hashtable();
        foreach (var (name, t) in StateDicts.Export(source)) teacherState["module." + name] = t;
        var root = new Hashtable { ["teacher"] = teacherState, ["student"] = new Hashtable(), ["epoch"] = 7 };
        var path = Path.Combine(dir, "checkpoint.pth");
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, root, false);

        var imported = ReferenceCheckpoint.Read(path, "teacher");
        Assert.Contains("backbone.cls_token", imported.Keys);
        using var network = new IBotNetwork(TinyModels.Vit(masked: false), TinyModels.Head());
        StateDicts.Load(network, imported);
        using var backbone = new VisionTransformer(TinyModels.Vit(masked: false));
        StateDicts.Load(backbone, ReferenceCheckpoint.Backbone(imported));

        using var _ = no_grad();
        source.eval();
        backbone.eval();
        var images = randn(2, 3, 16, 16);
        using var expected = source.Backbone.Forward(images, null);
        using var actual = backbone.Forward(images, null);
        Assert.True(Same(expected, actual));
    }

    [Fact]
    public void Missing_network_in_a_checkpoint_is_a_clear_error()
    {
        var path = Path.Combine(dir, "other.pth");
        using (var stream = File.Create(path)) PyTorchPickler.PickleStateDict(stream, new Hashtable { ["epoch"] = 1, ["student"] = 3 }, false);
        var e = Assert.Throws<InvalidDataException>(() => ReferenceCheckpoint.Read(path, "teacher"));
        Assert.Contains("top-level keys", e.Message);
    }

    [Fact]
    public void Strict_load_names_missing_and_unexpected_tensors()
    {
        using var network = new VisionTransformer(TinyModels.Vit(masked: false));
        var state = StateDicts.Export(network);
        state.Remove("norm.weight");
        state["bogus"] = zeros(1);
        var e = Assert.Throws<InvalidDataException>(() => StateDicts.Load(network, state));
        Assert.Contains("norm.weight", e.Message);
        Assert.Contains("bogus", e.Message);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

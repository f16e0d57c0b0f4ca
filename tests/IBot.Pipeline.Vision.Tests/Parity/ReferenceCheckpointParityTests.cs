using System.Text.Json;
using IBot.Pipeline.Vision.Checkpoints;
using IBot.Pipeline.Vision.Models;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Parity;

/// <summary>
/// Checkpoints written by the authors' own code (make_golden.py: main_ibot's save_dict after two
/// real training steps, and the files their extract and combine scripts derive from it) load,
/// and each holds exactly the backbone weights the script recorded beside them. The files come
/// from the vector set under test when it has them, else from the vendored set.
/// </summary>
[Trait("Category", "Parity")]
public sealed class ReferenceCheckpointParityTests
{
    private const string Expected = "checkpoints.safetensors";

    private static string Directory { get; } =
        File.Exists(Path.Combine(Golden.Directory, Expected)) ? Golden.Directory : Golden.VendoredDirectory;

    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        using var golden = SafeTensors.Load(Path.Combine(Directory, Expected));
        foreach (var file in Golden.Config(golden).GetProperty("files").EnumerateObject())
            foreach (var network in file.Value.GetProperty("networks").EnumerateArray())
                data.Add(file.Name, network.GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Backbone_weights_read_from_each_file_are_the_recorded_ones(string file, string network)
    {
        using var golden = SafeTensors.Load(Path.Combine(Directory, Expected));
        var expected = golden.WithPrefix(network + ".backbone.");
        var state = ReferenceCheckpoint.Read(Path.Combine(Directory, file), network);
        var backbone = ReferenceCheckpoint.Backbone(state);

        Assert.Equal(expected.Keys.Order(), backbone.Keys.Order());
        foreach (var (name, value) in expected)
        {
            Assert.True(Same(value, backbone[name]), $"{file} {network} {name} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_backbone_loads_strictly_into_a_vision_transformer_of_the_recorded_size(string file, string network)
    {
        using var golden = SafeTensors.Load(Path.Combine(Directory, Expected));
        var v = Golden.Config(golden).GetProperty("vit");
        var backbone = ReferenceCheckpoint.Backbone(ReferenceCheckpoint.Read(Path.Combine(Directory, file), network));
        using var vit = new VisionTransformer(new VitOptions(
            ImgSize: v.Int("img_size"), PatchSize: v.Int("patch_size"), EmbedDim: v.Int("embed_dim"),
            Depth: v.Int("depth"), NumHeads: v.Int("num_heads"), MaskedImageModeling: backbone.ContainsKey("masked_embed")));
        StateDicts.Load(vit, backbone);
    }

    [Fact]
    public void The_full_checkpoint_also_gives_the_student_head_and_the_loss_centers()
    {
        using var golden = SafeTensors.Load(Path.Combine(Directory, Expected));
        var path = Path.Combine(Directory, "checkpoint.pth");

        var student = ReferenceCheckpoint.Read(path, "student");
        foreach (var (name, value) in golden.WithPrefix("student."))
            Assert.True(Same(value, student[name]), $"student {name} differs");

        var centers = ReferenceCheckpoint.Read(path, "ibot_loss");
        Assert.True(Same(golden["center"], centers["center"]), "center differs");
        Assert.True(Same(golden["center2"], centers["center2"]), "center2 differs");
    }

    /// <summary>Same dtype, shape and values, bit for bit.</summary>
    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }
}

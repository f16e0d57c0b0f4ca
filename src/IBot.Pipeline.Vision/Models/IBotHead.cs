using IBot.Pipeline.Vision.Abstractions.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Models;

/// <summary>
/// The iBOT projection head: MLP (Linear, GELU, …, Linear to the bottleneck), L2
/// normalisation, then weight-normalised last layers, one for [CLS] and one for patch tokens
/// (the same module when shared). Token input (B, N, D) gives both outputs; a 2-D input
/// (B, D) gives the [CLS] path only.
/// </summary>
public sealed class IBotHead : nn.Module<Tensor, HeadOutput>, IProjectionHead
{
    private readonly nn.Module<Tensor, Tensor> mlp;
    private readonly nn.Module<Tensor, Tensor>[] mlpLayers;
    private readonly WeightNormLinear last_layer;
    private readonly WeightNormLinear? last_layer2;

    public IBotHead(HeadOptions options) : base(nameof(IBotHead))
    {
        options.Validate();
        Options = options;
        if (options.NLayers == 1)
        {
            var only = nn.Linear(options.InDim, options.BottleneckDim);
            Init.Linear(only);
            mlp = only;
            mlpLayers = [only];
        }
        else
        {
            var layers = new List<nn.Module<Tensor, Tensor>> { nn.Linear(options.InDim, options.HiddenDim), nn.GELU() };
            for (var i = 0; i < options.NLayers - 2; i++)
            {
                layers.Add(nn.Linear(options.HiddenDim, options.HiddenDim));
                layers.Add(nn.GELU());
            }
            layers.Add(nn.Linear(options.HiddenDim, options.BottleneckDim));
            foreach (var linear in layers.OfType<Linear>()) Init.Linear(linear);
            mlp = nn.Sequential(layers);
            mlpLayers = layers.ToArray();
        }
        last_layer = new WeightNormLinear(options.BottleneckDim, options.OutDim, options.NormLastLayer);
        // A shared head registers one module; checkpoints still carry `last_layer2.*` (see StateDicts).
        if (!options.SharedHead)
            last_layer2 = new WeightNormLinear(options.BottleneckDim, options.EffectivePatchOutDim, options.NormLastLayer);
        RegisterComponents();
    }

    public HeadOptions Options { get; }

    public nn.Module Module => this;

    public int OutDim => Options.OutDim;

    public int PatchOutDim => Options.EffectivePatchOutDim;

    public HeadOutput Forward(Tensor tokens) => forward(tokens);

    /// <summary><see cref="ForwardTeacher(Tensor, Tensor, long?)"/> with the default chunking.</summary>
    public TeacherHeadOutput ForwardTeacher(Tensor tokens, Tensor patchMask) => ForwardTeacher(tokens, patchMask, null);

    public override HeadOutput forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var z = Bottleneck(x);
        if (x.dim() == 2)
            return new HeadOutput(last_layer.call(z).MoveToOuterDisposeScope(), null);
        var cls = last_layer.call(z.select(1, 0));                                   // (B, K)
        var patches = (last_layer2 ?? last_layer).call(z.narrow(1, 1, z.shape[1] - 1)); // (B, P, K2)
        return new HeadOutput(cls.MoveToOuterDisposeScope(), patches.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// [CLS] output for every image and patch outputs only where <paramref name="patchMask"/> (B, P)
    /// is true, as (M, K2) in row-major order of the mask: what the student's loss reads. Per-token
    /// computation makes these identical to the matching rows of <see cref="forward"/>.
    /// </summary>
    public HeadOutput ForwardSelected(Tensor tokens, Tensor patchMask)
    {
        using var scope = NewDisposeScope();
        var dim = tokens.shape[2];
        var patches = tokens.narrow(1, 1, tokens.shape[1] - 1);                       // (B, P, D)
        var selected = patches.masked_select(patchMask.unsqueeze(-1)).view(-1, dim);  // (M, D)
        var rows = cat([tokens.select(1, 0), selected], 0);                           // (B + M, D)
        var output = ForwardRows(rows, tokens.shape[0]);
        return new HeadOutput(output.Cls.MoveToOuterDisposeScope(), output.Patches!.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <see cref="ForwardSelected"/> on backbone rows already chosen: (B + M, D), the B [CLS] tokens
    /// first, then the M patch tokens. Returns [CLS] (B, K) and patch outputs (M, K2).
    /// </summary>
    public HeadOutput ForwardRows(Tensor rows, long clsCount)
    {
        using var scope = NewDisposeScope();
        var z = Bottleneck(rows);
        var cls = last_layer.call(z.narrow(0, 0, clsCount));                                         // (B, K)
        var patchOut = (last_layer2 ?? last_layer).call(z.narrow(0, clsCount, z.shape[0] - clsCount)); // (M, K2)
        return new HeadOutput(cls.MoveToOuterDisposeScope(), patchOut.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The teacher's outputs for the loss, without projecting every patch token to the K₂
    /// prototypes: the loss reads patch logits only at masked positions, and the patch centre
    /// needs only their mean, which the bias-free last layer maps linearly:
    /// mean(last_layer(z)) = last_layer(mean(z)). The MLP still runs on every token.
    /// </summary>
    /// <param name="tokens">Backbone output, (B, 1 + P, D).</param>
    /// <param name="patchMask">(B, P), true where the student's patch is masked.</param>
    /// <param name="chunkRows">Tokens per chunk of the MLP; by default cache-sized on a CPU and all
    /// at once on a GPU (see <see cref="TeacherChunkRows"/>). Every token is computed alone, so the
    /// outputs do not depend on it.</param>
    public TeacherHeadOutput ForwardTeacher(Tensor tokens, Tensor patchMask, long? chunkRows)
    {
        using var scope = NewDisposeScope();
        var (b, n) = (tokens.shape[0], tokens.shape[1]);
        var z = Bottleneck(tokens, chunkRows ?? TeacherChunkRows(tokens));             // (B, 1 + P, Z)
        var patches = z.narrow(1, 1, n - 1);                                           // (B, P, Z)
        var selected = patches.masked_select(patchMask.unsqueeze(-1)).view(-1, z.shape[2]); // (M, Z)
        var patchLayer = last_layer2 ?? last_layer;
        var cls = last_layer.call(z.select(1, 0));                                      // (B, K)
        var masked = patchLayer.call(selected);                                         // (M, K2)
        var mean = patchLayer.call(patches.mean([0, 1]).unsqueeze(0));                  // (1, K2)
        return new TeacherHeadOutput(cls.MoveToOuterDisposeScope(), masked.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope());
    }

    /// <summary>The L2-normalised bottleneck, on tokens (…, D) flattened to rows so that every
    /// Linear of the MLP is one fused addmm (see <see cref="Dense"/>), in chunks of at most
    /// <paramref name="chunkRows"/> rows (the MLP and the normalisation are per row).</summary>
    private Tensor Bottleneck(Tensor x, long chunkRows = long.MaxValue)
    {
        if (chunkRows < 1) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "must be at least 1");
        using var scope = NewDisposeScope();
        var shape = x.shape;
        var rows = x.reshape(-1, shape[^1]);
        var total = rows.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < total; start += chunkRows)
        {
            // Each chunk's activations are freed before the next, which reuses them from cache.
            using var chunkScope = NewDisposeScope();
            var chunk = rows.narrow(0, start, Math.Min(chunkRows, total - start));
            parts.Add(nn.functional.normalize(Autocast.Full(RunMlp(chunk)), p: 2, dim: -1).MoveToOuterDisposeScope());
        }
        var z = parts.Count == 1 ? parts[0] : cat(parts, 0);
        shape[^1] = z.shape[1];
        return z.view(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The MLP on rows; inside a mixed-precision scope its Linear layers run reduced (<see cref="Autocast"/>).</summary>
    private Tensor RunMlp(Tensor rows)
    {
        if (Autocast.Current is null) return mlp.call(rows);
        using var scope = NewDisposeScope();
        var x = rows;
        foreach (var layer in mlpLayers) x = layer is Linear linear ? Dense.Apply(linear, x) : layer.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows per chunk of the teacher's MLP on a CPU: about 4 MiB per hidden activation, so that
    /// one chunk's activations stay in cache between layers. Over all of a shard's tokens at once
    /// (4,160 × 1,024 floats = 17 MB per activation on the reference setting) every layer streams
    /// them through memory; in chunks of 1,024 rows the teacher's MLP takes about 11 % less time.
    /// Without gradients nothing is kept, so chunks cost nothing in memory; on a GPU one call is
    /// best.
    /// </summary>
    private long TeacherChunkRows(Tensor tokens) =>
        tokens.device.type == DeviceType.CPU ? Math.Max(64, (4L << 20) / (4L * Options.HiddenDim)) : long.MaxValue;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mlp.Dispose();
            last_layer.Dispose();
            last_layer2?.Dispose();
        }
        base.Dispose(disposing);
    }
}

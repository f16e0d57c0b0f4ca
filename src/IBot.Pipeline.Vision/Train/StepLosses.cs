using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Train;

/// <summary>
/// A step's losses as detached device scalars: the total, then for each objective in spec order
/// its weighted term (<c>loss_&lt;term&gt;</c>) and its weighted parts (<c>loss_&lt;term&gt;_&lt;part&gt;</c>).
/// Nothing is read back to the host until the caller asks.
/// </summary>
public sealed class StepLosses(Tensor total, IReadOnlyList<KeyValuePair<string, Tensor>> terms) : IDisposable
{
    public Tensor Total { get; } = total;

    public IReadOnlyList<KeyValuePair<string, Tensor>> Terms { get; } = terms;

    /// <summary>A term or part by metric name (<c>loss_ibot_loss_cls</c>).</summary>
    public Tensor this[string name] => Terms.FirstOrDefault(t => t.Key == name).Value
        ?? throw new KeyNotFoundException($"no loss term '{name}' (terms: {string.Join(", ", Terms.Select(t => t.Key))})");

    /// <summary>Every value on the host, the total first as <c>loss</c> (one synchronisation).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Read()
    {
        using var scope = NewDisposeScope();
        var all = stack([Total.reshape(1), .. Terms.Select(t => t.Value.reshape(1))]).reshape(-1).to(ScalarType.Float64).cpu();
        var values = all.data<double>().ToArray();
        var result = new List<KeyValuePair<string, double>>(values.Length) { KeyValuePair.Create("loss", values[0]) };
        for (var i = 0; i < Terms.Count; i++) result.Add(KeyValuePair.Create(Terms[i].Key, values[i + 1]));
        return result;
    }

    public void Dispose()
    {
        Total.Dispose();
        foreach (var (_, t) in Terms) t.Dispose();
    }
}

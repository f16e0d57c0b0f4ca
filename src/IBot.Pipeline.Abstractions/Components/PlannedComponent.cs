namespace IBot.Pipeline.Abstractions.Components;

/// <summary>
/// A component the engine built for a run: the spec section it fills, its kind, the instance the
/// registry constructed with its bound <paramref name="Options"/>. A method reads it through the
/// contract of its role (<see cref="As{T}"/>), never through its concrete type.
/// </summary>
public sealed record PlannedComponent(string Section, string Kind, object Instance, object Options)
{
    /// <summary>The component as the contract <typeparamref name="T"/>, or an error that names the
    /// section, the kind and the contract it lacks.</summary>
    public T As<T>() where T : class => Instance as T
        ?? throw new InvalidDataException($"{Section}: kind '{Kind}' ({Instance.GetType().Name}) does not implement {typeof(T).Name}, which this run needs");
}

/// <summary>An entry of <c>objectives</c>: its term name (metric <c>loss_&lt;name&gt;</c>), its weight in the total loss, and the component.</summary>
public sealed record PlannedObjective(string Name, double Weight, PlannedComponent Component);

/// <summary>An entry of <c>evaluate</c>.</summary>
/// <param name="Name">Metric prefix: its kind, numbered when a kind repeats.</param>
/// <param name="Kind">Its registered kind.</param>
/// <param name="Evaluator">The protocol.</param>
/// <param name="Every">Epochs between runs during training; 0 = at the end only (and at initialisation).</param>
/// <param name="Network">Whose backbone it measures in a training run.</param>
/// <param name="Options">Its resolved options, recorded with every result in <c>evaluations.jsonl</c>.</param>
public sealed record PlannedEvaluator(string Name, string Kind, IEvaluator Evaluator, int Every, EvaluatedNetwork Network, object Options)
{
    /// <summary>Whether it runs after <paramref name="epoch"/> epochs: at initialisation (0), every
    /// <see cref="Every"/> epochs, and always at the end.</summary>
    public bool Due(int epoch, bool final) => final || epoch == 0 || (Every > 0 && epoch % Every == 0);
}

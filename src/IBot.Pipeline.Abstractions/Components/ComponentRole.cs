namespace IBot.Pipeline.Abstractions.Components;

/// <summary>The spec section a component fills.</summary>
public enum ComponentRole
{
    /// <summary><c>data.train</c>, <c>data.eval</c>: implements <see cref="Data.IImageSource"/>.</summary>
    Data,
    /// <summary><c>augmentation</c>.</summary>
    Augmentation,
    /// <summary><c>masking</c>.</summary>
    Masking,
    /// <summary><c>backbone</c>.</summary>
    Backbone,
    /// <summary>an entry of <c>heads</c>.</summary>
    Head,
    /// <summary>an entry of <c>objectives</c>.</summary>
    Objective,
    /// <summary>an entry of <c>evaluate</c>: implements <see cref="IEvaluator"/>.</summary>
    Evaluator,
    /// <summary><c>train</c>: the training method, implements <see cref="IRunMethod"/> (kind <c>ibot</c> when not given).</summary>
    Method,
}

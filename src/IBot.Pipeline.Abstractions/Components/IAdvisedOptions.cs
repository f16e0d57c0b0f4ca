using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Abstractions.Components;

/// <summary>
/// Options that are valid but may deserve one line of advice on the device a run takes, said once
/// by <c>ibot validate</c> (for the default device) and by <c>ibot run</c> (in the run's log and on
/// standard error): e.g. a precision the CPU emulates, so that it runs slower than fp32.
/// </summary>
public interface IAdvisedOptions
{
    /// <summary>Advice for <paramref name="device"/>, each with the option's key path.</summary>
    IEnumerable<OptionError> Advise(DeviceSpec device);
}

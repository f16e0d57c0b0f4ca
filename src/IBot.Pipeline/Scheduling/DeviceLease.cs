namespace IBot.Pipeline.Scheduling;

/// <summary>One slot of the machine: a device (<c>cuda:N</c> or <c>cpu</c>) and the slot's index among all slots.</summary>
public sealed record DeviceLease(string Device, int Slot);

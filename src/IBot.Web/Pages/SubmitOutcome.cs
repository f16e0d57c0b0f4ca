using IBot.Pipeline.Specs;

namespace IBot.Web.Pages;

/// <summary>What the queue page's submit form did: the spec text it checked, its errors (each with the line it
/// names), or the runs it queued.</summary>
public sealed record SubmitOutcome(string FileName, string Spec, IReadOnlyList<SpecError> Errors, IReadOnlyList<string> Queued, string? Message);

using IBot.Pipeline.Specs;

namespace IBot.Web.Pages;

/// <summary>What the queue page's submit form did: the spec text it checked, its errors (each with the line it
/// names), or the runs it queued. <paramref name="Path"/>: the file that was checked (errors in the files it extends
/// name their own file and are not shown beside its lines), null when nothing was; <paramref name="Listed"/>: the
/// name of the specs folder's file that was submitted, null for an upload or pasted text.</summary>
public sealed record SubmitOutcome(string FileName, string Spec, IReadOnlyList<SpecError> Errors, IReadOnlyList<string> Queued, string? Message,
    string? Path = null, string? Listed = null)
{
    /// <summary>Whether <paramref name="error"/> names a line of the checked file itself.</summary>
    public bool InThisFile(SpecError error) =>
        error.Location.Line > 0 && Path is not null && System.IO.Path.GetFullPath(error.Location.File) == Path;
}

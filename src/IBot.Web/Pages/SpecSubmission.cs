using System.Globalization;
using IBot.Pipeline.Specs;
using Microsoft.AspNetCore.Http;

namespace IBot.Web.Pages;

/// <summary>
/// The queue page's submit form: the uploaded file (or the pasted text) is written to the workspace's
/// <c>submissions/</c> folder and checked exactly as <c>ibot submit</c> checks a file (the spec and every run of its
/// sweep); "Validate" stops there, "submit" then queues it. Errors come back with the lines they name.
/// </summary>
public static class SpecSubmission
{
    public const int MaxBytes = 1 << 20;

    public static async Task<SubmitOutcome> Handle(UiData data, IFormCollection form)
    {
        var file = form.Files.GetFile("file");
        string text;
        var name = "spec.yaml";
        if (file is { Length: > 0 })
        {
            if (file.Length > MaxBytes) return Refused("", $"{file.FileName}: larger than {MaxBytes / 1024} KiB");
            using var reader = new StreamReader(file.OpenReadStream());
            text = await reader.ReadToEndAsync();
            name = SafeName(file.FileName);
        }
        else text = form["spec"].ToString();
        if (string.IsNullOrWhiteSpace(text)) return Refused(text, "choose a spec file or paste one");
        if (text.Length > MaxBytes) return Refused("", $"larger than {MaxBytes / 1024} KiB");
        if (data.Submitter() is not { } submitter) return Refused(text, "submission is off in this UI");
        var folder = Path.Combine(data.Workspace.Root, "submissions", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await File.WriteAllTextAsync(path, text);
        var priority = int.TryParse(form["priority"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0;
        try
        {
            if (form["action"] == "submit")
            {
                var result = submitter.Submit(path, [], priority);
                var queued = result.Runs.Select(r => r.Id).ToList();
                return new SubmitOutcome(name, text, [], queued, result.ScheduleId is { } schedule
                    ? $"{name}: scheduled as {schedule}"
                    : $"{name}: queued {queued.Count} run{(queued.Count == 1 ? "" : "s")}: {string.Join(", ", queued)}");
            }
            var runs = data.CheckSpec(path);
            return new SubmitOutcome(name, text, [], [], $"{name} is valid: {runs} run{(runs == 1 ? "" : "s")}");
        }
        catch (SpecException e)
        {
            return new SubmitOutcome(name, text, e.Errors, [], $"{name}: {e.Errors.Count} error{(e.Errors.Count == 1 ? "" : "s")}");
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            return Refused(text, $"{name}: {e.Message}");
        }
    }

    private static SubmitOutcome Refused(string text, string message) =>
        new("spec.yaml", text, [new SpecError(SourceLocation.Unknown("spec.yaml"), message)], [], message);

    /// <summary>The upload's file name without folders or odd characters; a YAML extension kept.</summary>
    private static string SafeName(string fileName)
    {
        var name = new string(Path.GetFileName(fileName.Replace('\\', '/')).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).TrimStart('.');
        return name.Length == 0 ? "spec.yaml" : name;
    }
}

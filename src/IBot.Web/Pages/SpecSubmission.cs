using System.Globalization;
using IBot.Pipeline.Specs;
using Microsoft.AspNetCore.Http;

namespace IBot.Web.Pages;

/// <summary>
/// The queue page's submit forms: a spec file of the specs folder (<c>path</c>, a name as <see cref="SpecFolder"/>
/// lists it), submitted where it lies so its <c>extends</c> chain resolves as <c>ibot submit DIR/NAME</c> resolves it;
/// or an uploaded file (<c>file</c>) or pasted text (<c>spec</c>), written to the workspace's <c>submissions/</c>
/// folder, its own relative <c>extends</c> resolved against the specs folder. Either is checked exactly as
/// <c>ibot submit</c> checks a file (the spec and every run of its sweep); "Validate" stops there, "submit" then queues
/// it. Errors come back with the lines they name.
/// </summary>
public static class SpecSubmission
{
    public const int MaxBytes = 1 << 20;

    public static async Task<SubmitOutcome> Handle(UiData data, IFormCollection form)
    {
        var file = form.Files.GetFile("file");
        var listed = form["path"].ToString();
        var pasted = form["spec"].ToString();
        if (listed.Length > 0)
        {
            if (file is { Length: > 0 } || !string.IsNullOrWhiteSpace(pasted))
                return Refused("", "give one spec: a file of the specs folder (path), an upload (file) or pasted text (spec), not several");
            return Listed(data, listed, form);
        }
        string text;
        var name = "spec.yaml";
        if (file is { Length: > 0 })
        {
            if (file.Length > MaxBytes) return Refused("", $"{file.FileName}: larger than {MaxBytes / 1024} KiB");
            using var reader = new StreamReader(file.OpenReadStream());
            text = await reader.ReadToEndAsync();
            name = SafeName(file.FileName);
        }
        else text = pasted;
        if (string.IsNullOrWhiteSpace(text)) return Refused(text, "choose a spec file or paste one");
        if (text.Length > MaxBytes) return Refused("", $"larger than {MaxBytes / 1024} KiB");
        if (data.Submitter() is null) return Refused(text, "submission is off in this UI");
        var folder = Path.Combine(data.Workspace.Root, "submissions", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await File.WriteAllTextAsync(path, text);
        if (data.Specs is null && RelativeExtends(text, path) is { } extends)
            return new SubmitOutcome(name, text, [new SpecError(extends.Location, NoSpecsFolder(extends.Value))], [], $"{name}: 1 error", path);
        return Check(data, form, name, text, path, data.Specs?.Root, null);
    }

    /// <summary>A file of the specs folder, by the name the page lists it under; any other name is refused.</summary>
    private static SubmitOutcome Listed(UiData data, string name, IFormCollection form)
    {
        if (data.Submitter() is null) return Refused("", "submission is off in this UI");
        if (data.Specs is not { } specs) return Refused("", $"'{name}': this UI has no specs folder (start it with --specs DIR)");
        if (specs.Resolve(name) is not { } path) return Refused("", $"'{name}' is not a spec file of the specs folder {specs.Root}");
        string text;
        try
        {
            text = SpecFile.Read(path, name, null);
        }
        catch (SpecException e)
        {
            return new SubmitOutcome(name, "", e.Errors, [], $"{name}: {e.Errors[0].Message}", path, name);
        }
        return Check(data, form, name, text, path, null, name);
    }

    /// <summary>Validates (and with <c>action=submit</c> queues) the spec at <paramref name="path"/>.</summary>
    private static SubmitOutcome Check(UiData data, IFormCollection form, string name, string text, string path, string? extendsBase, string? listed)
    {
        var submitter = data.Submitter()!;
        var priority = int.TryParse(form["priority"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0;
        try
        {
            if (form["action"] == "submit")
            {
                var result = submitter.Submit(path, [], priority, extendsBase);
                var queued = result.Runs.Select(r => r.Id).ToList();
                return new SubmitOutcome(name, text, [], queued, result.ScheduleId is { } schedule
                    ? $"{name}: scheduled as {schedule}"
                    : $"{name}: queued {queued.Count} run{(queued.Count == 1 ? "" : "s")}: {string.Join(", ", queued)}", path, listed);
            }
            var runs = data.CheckSpec(path, extendsBase);
            return new SubmitOutcome(name, text, [], [], $"{name} is valid: {runs} run{(runs == 1 ? "" : "s")}", path, listed);
        }
        catch (SpecException e)
        {
            return new SubmitOutcome(name, text, e.Errors, [], $"{name}: {e.Errors.Count} error{(e.Errors.Count == 1 ? "" : "s")}", path, listed);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            return Refused(text, $"{name}: {e.Message}");
        }
    }

    /// <summary>The spec's <c>extends</c> when it names a relative path (nothing to resolve it against without a specs
    /// folder); null otherwise, or when the text does not parse (the check then says why).</summary>
    private static SpecScalar? RelativeExtends(string text, string path)
    {
        try
        {
            return SpecComposer.Parse(text, path)[SpecComposer.ExtendsKey] is SpecScalar { IsNull: false } extends && !Path.IsPathRooted(extends.Value) ? extends : null;
        }
        catch (SpecException)
        {
            return null;
        }
    }

    public static string NoSpecsFolder(string extends) =>
        $"extends '{extends}' is relative, and this UI has no specs folder to find it in: start it with --specs DIR (ibot serve: --ui-specs DIR), or submit the file with ibot submit";

    private static SubmitOutcome Refused(string text, string message) =>
        new("spec.yaml", text, [new SpecError(SourceLocation.Unknown("spec.yaml"), message)], [], message);

    /// <summary>The upload's file name without folders or odd characters; a YAML extension kept.</summary>
    private static string SafeName(string fileName)
    {
        var name = new string(Path.GetFileName(fileName.Replace('\\', '/')).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).TrimStart('.');
        return name.Length == 0 ? "spec.yaml" : name;
    }
}

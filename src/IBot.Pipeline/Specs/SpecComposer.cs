namespace IBot.Pipeline.Specs;

/// <summary>
/// Loads a spec file with its <c>extends</c> chain (paths relative to the extending file;
/// mappings merge key by key, everything else — lists included — is replaced) and applies
/// <c>--set path=value</c> overrides. Cycles and missing files are errors at the
/// <c>extends</c> line. A caller that keeps the file somewhere other than where it was written (the web UI keeps
/// an uploaded spec under the workspace) gives the folder the file's own relative <c>extends</c> resolves against;
/// the files it extends resolve theirs against their own folders, as always.
/// </summary>
public static class SpecComposer
{
    public const string ExtendsKey = "extends";

    public static SpecMapping Load(string path, IEnumerable<string>? overrides = null, string? extendsBase = null)
    {
        var (root, errors) = LoadCollecting(path, overrides, extendsBase);
        if (errors.Count > 0) throw new SpecException(errors);
        return root;
    }

    /// <summary>Loads and applies the overrides that can be applied; the others' errors are returned
    /// so validation can report them together with everything else.</summary>
    /// <remarks>extendsBase: the folder a relative <c>extends</c> of <paramref name="path"/> itself resolves against;
    /// null: the file's own folder (the command line's behaviour).</remarks>
    public static (SpecMapping Tree, List<SpecError> OverrideErrors) LoadCollecting(string path, IEnumerable<string>? overrides = null, string? extendsBase = null)
    {
        var full = Path.GetFullPath(path);
        var root = LoadWithExtends(full, DisplayName(full), new Stack<string>(), null, extendsBase is null ? null : Path.GetFullPath(extendsBase));
        var errors = new List<SpecError>();
        var index = 0;
        foreach (var text in overrides ?? [])
        {
            index++;
            try
            {
                SpecOverride.Parse(text, index).ApplyTo(root);
            }
            catch (SpecException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        return (root, errors);
    }

    public static SpecMapping Parse(string text, string file) => AsMapping(YamlSpecReader.Read(text, file));

    /// <summary>Deep merge: <paramref name="over"/> wins; mappings merge, anything else replaces.</summary>
    public static SpecNode Merge(SpecNode @base, SpecNode over)
    {
        if (@base is not SpecMapping b || over is not SpecMapping o) return over.DeepClone();
        var merged = (SpecMapping)b.DeepClone();
        foreach (var (key, value) in o.Entries)
        {
            var existing = merged[key.Value];
            merged.Set(key, existing is null ? value.DeepClone() : Merge(existing, value));
        }
        return merged;
    }

    private static SpecMapping LoadWithExtends(string fullPath, string display, Stack<string> chain, SourceLocation? from, string? extendsBase = null)
    {
        if (chain.Contains(fullPath))
        {
            var cycle = string.Join(" -> ", chain.Reverse().Append(fullPath).Select(DisplayName));
            throw new SpecException([new SpecError(from!, $"extends cycle: {cycle}")]);
        }
        var mapping = Parse(SpecFile.Read(fullPath, display, from), display);
        if (mapping[ExtendsKey] is not { } extends) return mapping;

        if (extends is not SpecScalar { IsNull: false } parentName)
            throw new SpecException([new SpecError(extends.Location, "extends must be a file path")]);
        chain.Push(fullPath);
        var parentPath = Path.GetFullPath(Path.Combine(extendsBase ?? Path.GetDirectoryName(fullPath)!, parentName.Value));
        var parent = LoadWithExtends(parentPath, DisplayName(parentPath), chain, parentName.Location);
        chain.Pop();
        mapping.Remove(ExtendsKey);
        parent.Remove(ExtendsKey);
        return (SpecMapping)Merge(parent, mapping);
    }

    private static SpecMapping AsMapping(SpecNode node) => node as SpecMapping
        ?? throw new SpecException([new SpecError(node.Location, $"a spec must be a mapping of sections, not {node.Describe()}")]);

    private static string DisplayName(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) ? fullPath : relative;
    }
}

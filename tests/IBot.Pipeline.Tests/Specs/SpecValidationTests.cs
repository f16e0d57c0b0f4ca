using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Tests.Specs;

public sealed class SpecValidationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ibot-spec-").FullName;
    private readonly SpecValidator validator = new(TestCatalog.Create());

    private string Valid => $$"""
        name: t
        data:
          train: { kind: folder, path: {{dir}} }
          eval_train: { kind: folder, path: {{dir}} }
          eval_test: { kind: folder, path: {{dir}} }
        augmentation: { kind: crops, global_size: 32, local_size: 16 }
        backbone: { kind: net, patch_size: 4 }
        heads:
          main: { kind: head, out_dim: 64 }
        objectives:
          - { kind: loss, head: main }
        train:
          epochs: 2
          batch_size: 8
          optimizer: { lr: 1.0e-3, warmup_epochs: 1 }
        evaluate:
          - { kind: probe, k: [10, 20] }
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private IReadOnlyList<SpecError> Errors(string text, params string[] sets)
    {
        var path = Write("spec.yaml", text);
        var e = Assert.Throws<SpecException>(() => validator.Validate(path, sets));
        return e.Errors;
    }

    private static void AssertError(IReadOnlyList<SpecError> errors, int line, int column, string fragment)
    {
        Assert.Contains(errors, e => e.Location.Line == line && e.Location.Column == column && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_spec_resolves_every_component()
    {
        var resolved = validator.Validate(Write("ok.yaml", Valid));
        Assert.Equal("net", resolved.Backbone!.Kind);
        Assert.Equal(4, resolved.Backbone.OptionsAs<NetOptions>().PatchSize);
        Assert.Equal([10, 20], resolved.Evaluators[0].OptionsAs<ProbeOptions>().K);
        Assert.Equal(1e-3, resolved.Method!.OptionsAs<TestTrainOptions>().Optimizer.Lr);
        Assert.Equal(64, resolved.Hash.Length);
    }

    [Fact]
    public void Misspelt_key_is_reported_at_its_position_with_a_suggestion()
    {
        var errors = Errors(Valid.Replace("patch_size: 4", "patch_sise: 4"));
        AssertError(errors, 7, 24, "did you mean 'patch_size'");
    }

    [Fact]
    public void Unknown_kind_is_reported_at_the_kind_value()
    {
        var errors = Errors(Valid.Replace("kind: net", "kind: nett"));
        AssertError(errors, 7, 19, "unknown backbone kind 'nett'; did you mean 'net'");
    }

    [Fact]
    public void Wrong_type_is_reported_at_the_value()
    {
        var errors = Errors(Valid.Replace("epochs: 2", "epochs: two"));
        AssertError(errors, 13, 11, "train.epochs must be an integer, not 'two'");
    }

    [Fact]
    public void Out_of_range_value_is_reported()
    {
        var errors = Errors(Valid.Replace("out_dim: 64", "out_dim: 0"));
        AssertError(errors, 9, 32, "heads.main.out_dim = 0 is out of range");
    }

    [Fact]
    public void Missing_folder_is_reported_at_the_path()
    {
        var errors = Errors(Valid.Replace($"train: {{ kind: folder, path: {dir} }}", "train: { kind: folder, path: /no/such/dir }"));
        AssertError(errors, 3, 32, "folder '/no/such/dir' does not exist");
    }

    [Fact]
    public void Extends_cycle_is_reported_at_the_extends_line()
    {
        Write("a.yaml", "extends: b.yaml\nname: a\n");
        Write("b.yaml", "name: b\nextends: a.yaml\n");
        var e = Assert.Throws<SpecException>(() => validator.Validate(Path.Combine(dir, "a.yaml")));
        var error = Assert.Single(e.Errors);
        Assert.Equal((2, 10), (error.Location.Line, error.Location.Column));
        Assert.EndsWith("b.yaml", error.Location.File);
        Assert.Contains("extends cycle", error.Message);
    }

    [Fact]
    public void Bad_set_path_is_reported_and_other_errors_still_found()
    {
        var errors = Errors(Valid, "train.epochs.x=3", "train.optimizer.lrr=1");
        Assert.Contains(errors, e => e.Location.File == "--set #1" && e.Message.Contains("'train.epochs' is '2'"));
        Assert.Contains(errors, e => e.Location.File == "--set #2" && e.Message.Contains("did you mean 'lr'"));
    }

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var errors = Errors("name: x\ndata: { train: [1, 2 }\n");
        var error = Assert.Single(errors);
        Assert.Equal(2, error.Location.Line);
        Assert.True(error.Location.Column > 1);
        Assert.StartsWith("invalid YAML", error.Message);
    }

    [Fact]
    public void Several_errors_in_one_file_are_all_reported_in_order()
    {
        var text = Valid.Replace("patch_size: 4", "patch_size: four").Replace("head: main", "head: mian").Replace("out_dim: 64", "out_dim: -1").Replace("batch_size: 8", "batch_size: 8\n  precision: bf16");
        var errors = Errors(text);
        AssertError(errors, 7, 36, "backbone.patch_size must be an integer");
        AssertError(errors, 9, 32, "out of range");
        AssertError(errors, 11, 25, "reads head 'mian'");
        AssertError(errors, 15, 14, "no autocast");
        Assert.Equal(errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column), errors);
    }

    [Fact]
    public void Cross_field_checks_run_before_anything_is_built()
    {
        var errors = Errors(Valid.Replace("global_size: 32", "global_size: 30").Replace("batch_size: 8", "batch_size: 9") + "\nresources: { gpus: 2 }\n");
        Assert.Contains(errors, e => e.Message.Contains("crop size 30 is not a multiple of the backbone's patch size 4"));
        Assert.Contains(errors, e => e.Message.Contains("batch_size 9 does not divide evenly over 2 GPUs"));
    }

    [Fact]
    public void Extends_merges_maps_and_replaces_lists_and_set_overrides_with_yaml_types()
    {
        Write("base.yaml", Valid);
        var child = Write("child.yaml", "extends: base.yaml\nname: child\nbackbone: { depth: 6 }\nevaluate:\n  - { kind: probe, k: [5] }\n");
        var resolved = validator.Validate(child, ["train.optimizer.lr=2e-4", "augmentation.scale=[0.1,0.5]"]);
        Assert.Equal("child", resolved.Spec.Name);
        var net = resolved.Backbone!.OptionsAs<NetOptions>();
        Assert.Equal((4, 6), (net.PatchSize, net.Depth));              // merged
        Assert.Equal([5], resolved.Evaluators.Single().OptionsAs<ProbeOptions>().K); // replaced
        Assert.Equal(2e-4, resolved.Method!.OptionsAs<TestTrainOptions>().Optimizer.Lr);
        Assert.Equal([0.1, 0.5], resolved.Augmentation!.OptionsAs<CropsOptions>().Scale);
    }

    [Fact]
    public void An_extends_base_resolves_the_files_own_relative_extends_and_its_parents_resolve_theirs_from_their_folders()
    {
        // As the web UI keeps an upload: the file in one folder, its parent in another (which extends a file beside it).
        Directory.CreateDirectory(Path.Combine(dir, "specs", "shared"));
        Write("specs/shared/root.yaml", Valid.Replace("batch_size: 8", "batch_size: 24"));
        Write("specs/base.yaml", "extends: shared/root.yaml\nname: base\n");
        Directory.CreateDirectory(Path.Combine(dir, "upload"));
        var upload = Write("upload/child.yaml", "extends: base.yaml\nname: child\n");
        var tree = SpecComposer.Load(upload, extendsBase: Path.Combine(dir, "specs"));
        Assert.Equal("child", ((SpecScalar)tree["name"]!).Value);
        Assert.Equal("24", ((SpecScalar)((SpecMapping)tree["train"]!)["batch_size"]!).Value);
        Assert.Null(tree["extends"]);
        // Without it, the file's own folder, as on the command line: there is no base.yaml there.
        var e = Assert.Throws<SpecException>(() => SpecComposer.Load(upload));
        var error = Assert.Single(e.Errors);
        Assert.Equal((1, 10), (error.Location.Line, error.Location.Column));
        Assert.Contains("base.yaml' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_hash_ignores_formatting_order_and_number_spelling()
    {
        var a = validator.Validate(Write("h1.yaml", Valid));
        var reordered = Valid.Replace("optimizer: { lr: 1.0e-3, warmup_epochs: 1 }", "optimizer: { warmup_epochs: 1, lr: 0.001 }");
        var b = validator.Validate(Write("h2.yaml", "# a comment\n" + reordered));
        var c = validator.Validate(Write("h3.yaml", Valid.Replace("lr: 1.0e-3", "lr: 2.0e-3")));
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Theory]
    [InlineData("data:", "data")]                              // found by fuzzing: a NullReferenceException in the validator
    [InlineData("heads:", "heads")]
    [InlineData("train:\n  epochs: 2\n  batch_size: 8\n  optimizer:", "train.optimizer")]
    [InlineData("train:\n  epochs: 2\n  batch_size: 8\n  optimizer: { weight_decay: }", "train.optimizer.weight_decay")]
    [InlineData("resources:", "resources")]
    [InlineData("name:", "name")]
    public void An_empty_value_where_a_section_or_list_is_expected_is_an_error(string section, string path)
    {
        // The section replaces the valid spec's own (a later duplicate key would be an error of its own).
        var key = section.Split(':')[0];
        var lines = Valid.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        var end = start + 1;
        while (end < lines.Count && lines[end].StartsWith(' ')) end++;
        if (start >= 0) lines.RemoveRange(start, end - start);
        var text = string.Join('\n', lines) + "\n" + section + "\n";
        var errors = Errors(text);
        Assert.Contains(errors, e => e.Message.StartsWith($"{path} cannot be null", StringComparison.Ordinal) && e.Location.Line > 0);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

using IBot.Pipeline.Lineage.Model;
using LiteDB;

namespace IBot.Pipeline.Lineage.Lite;

/// <summary>
/// Records to and from LiteDB documents, written out by hand rather than through BsonMapper:
/// the stored shape is then the documented one (it is what the JSON-lines export shows), and
/// times come back in UTC whatever the machine's zone.
/// </summary>
public static class LiteDocuments
{
    public static BsonValue Time(DateTime at) => new BsonValue(at.ToUniversalTime());

    public static DateTime Time(BsonValue value) => DateTime.SpecifyKind(value.AsDateTime.ToUniversalTime(), DateTimeKind.Utc);

    private static BsonValue Text(string? text) => text is null ? BsonValue.Null : new BsonValue(text);

    private static string? Text(BsonValue value) => value.IsNull ? null : value.AsString;

    public static BsonValue Value(LineageValue v) => v.Kind switch
    {
        LineageValueKind.Number => new BsonValue(v.Number),
        LineageValueKind.Text => new BsonValue(v.Text),
        LineageValueKind.Bool => new BsonValue(v.AsBool),
        _ => BsonValue.Null,
    };

    public static LineageValue Value(BsonValue b) =>
        b.IsNumber ? LineageValue.Of(b.AsDouble) : b.IsString ? LineageValue.Of(b.AsString) : b.IsBoolean ? LineageValue.Of(b.AsBoolean) : LineageValue.Missing;

    public static BsonDocument Run(RunRecord r, int ordinal)
    {
        var parameters = new BsonDocument();
        foreach (var (k, v) in r.Params) parameters[k] = Value(v);
        var doc = new BsonDocument
        {
            ["_id"] = r.Id, ["ordinal"] = ordinal, ["name"] = r.Name, ["kind"] = r.Kind.ToString().ToLowerInvariant(),
            ["spec"] = r.SpecHash, ["created"] = Time(r.Created), ["sweep"] = Text(r.Sweep), ["device"] = Text(r.Device),
            ["folder"] = Text(r.Folder), ["reuse_key"] = Text(r.ReuseKey), ["datasets"] = new BsonArray(r.Datasets.Select(d => new BsonValue(d))),
            ["data_roles"] = new BsonDocument(r.DataRoles.ToDictionary(p => p.Key, p => new BsonValue(p.Value))),
            ["params"] = parameters, ["metrics"] = new BsonDocument(), ["history"] = new BsonArray(),
            ["environment"] = r.Environment is { } e ? new BsonDocument
            {
                ["machine"] = e.Machine, ["os"] = e.Os, ["dotnet"] = e.DotNet, ["torchsharp"] = Text(e.TorchSharp),
                ["libtorch"] = Text(e.LibTorch), ["ibot"] = e.Ibot, ["source_revision"] = Text(e.SourceRevision),
            } : BsonValue.Null,
        };
        foreach (var change in r.History) AddStatus(doc, change);
        foreach (var (name, m) in r.Metrics) doc["metrics"].AsDocument[name] = Summary(m);
        return doc;
    }

    public static void AddStatus(BsonDocument run, StatusChange change)
    {
        var status = change.Status.ToString().ToLowerInvariant();
        run["history"].AsArray.Add(new BsonDocument { ["status"] = status, ["at"] = Time(change.At), ["reason"] = Text(change.Reason) });
        run["status"] = status;
        run["reason"] = Text(change.Reason);
        run["updated"] = Time(change.At);
    }

    public static BsonDocument Summary(MetricSummary m) => new()
    {
        ["last"] = m.Last, ["min"] = m.Min, ["max"] = m.Max, ["count"] = m.Count, ["last_epoch"] = m.LastEpoch, ["last_step"] = m.LastStep,
    };

    public static MetricSummary Summary(BsonDocument d) =>
        new(d["last"].AsDouble, d["min"].AsDouble, d["max"].AsDouble, d["count"].AsInt32, d["last_epoch"].AsInt32, d["last_step"].AsInt64);

    public static RunRecord Run(BsonDocument d)
    {
        var id = d["_id"].AsString;
        var run = new RunRecord
        {
            Id = id, Name = d["name"].AsString, Kind = Enum.Parse<RunKind>(d["kind"].AsString, ignoreCase: true), SpecHash = d["spec"].AsString,
            Status = Enum.Parse<RunState>(d["status"].AsString, ignoreCase: true), Reason = Text(d["reason"]),
            Created = Time(d["created"]), Updated = Time(d["updated"]), Sweep = Text(d["sweep"]), Device = Text(d["device"]),
            Folder = Text(d["folder"]), ReuseKey = Text(d["reuse_key"]),
            Datasets = d["datasets"].AsArray.Select(v => v.AsString).ToList(),
            History = d["history"].AsArray.Select(h => new StatusChange(id, Enum.Parse<RunState>(h["status"].AsString, ignoreCase: true), Time(h["at"]), Text(h["reason"]))).ToList(),
            Environment = d["environment"] is BsonDocument e
                ? new EnvironmentInfo(e["machine"].AsString, e["os"].AsString, e["dotnet"].AsString, Text(e["torchsharp"]), Text(e["libtorch"]), e["ibot"].AsString, Text(e["source_revision"]))
                : null,
        };
        foreach (var (k, v) in d["params"].AsDocument) run.Params[k] = Value(v);
        if (d["data_roles"] is BsonDocument roles)
            foreach (var (role, dataset) in roles) run.DataRoles[role] = dataset.AsString;
        foreach (var (k, v) in d["metrics"].AsDocument) run.Metrics[k] = Summary(v.AsDocument);
        return run;
    }

    public static BsonDocument Spec(SpecRecord s) => new() { ["_id"] = s.Id, ["hash"] = s.Hash, ["name"] = s.Name, ["yaml"] = s.Yaml, ["created"] = Time(s.Created) };

    public static SpecRecord Spec(BsonDocument d) => new(d["_id"].AsString, d["hash"].AsString, d["name"].AsString, d["yaml"].AsString, Time(d["created"]));

    public static BsonDocument Sweep(SweepRecord s) => new() { ["_id"] = s.Id, ["name"] = s.Name, ["spec"] = s.SpecHash, ["created"] = Time(s.Created) };

    public static SweepRecord Sweep(BsonDocument d) => new(d["_id"].AsString, d["name"].AsString, d["spec"].AsString, Time(d["created"]));

    public static BsonDocument Dataset(DatasetFingerprint f) => new()
    {
        ["_id"] = f.Id, ["hash"] = f.Hash, ["role"] = f.Role, ["kind"] = f.Kind, ["description"] = f.Description,
        ["files"] = f.Files is { } n ? new BsonValue(n) : BsonValue.Null, ["bytes"] = f.Bytes is { } b ? new BsonValue(b) : BsonValue.Null,
    };

    public static DatasetFingerprint Dataset(BsonDocument d) => new(d["_id"].AsString, d["hash"].AsString, d["role"].AsString, d["kind"].AsString,
        d["description"].AsString, d["files"].IsNull ? null : d["files"].AsInt64, d["bytes"].IsNull ? null : d["bytes"].AsInt64);

    public static BsonDocument Artifact(ArtifactRecord a) => new()
    {
        ["_id"] = a.Id, ["sha256"] = a.Sha256, ["kind"] = a.Kind, ["path"] = a.Path, ["size"] = a.Size,
        ["produced_by"] = Text(a.ProducedBy), ["epoch"] = a.Epoch is { } e ? new BsonValue(e) : BsonValue.Null, ["created"] = Time(a.Created),
    };

    public static ArtifactRecord Artifact(BsonDocument d) => new(d["_id"].AsString, d["sha256"].AsString, d["kind"].AsString, d["path"].AsString,
        d["size"].AsInt64, Text(d["produced_by"]), d["epoch"].IsNull ? null : d["epoch"].AsInt32, Time(d["created"]));

    public static BsonDocument Evaluation(EvaluationRecord e)
    {
        var metrics = new BsonDocument();
        foreach (var (k, v) in e.Metrics) metrics[k] = v;
        return new()
        {
            ["_id"] = e.Id, ["run"] = e.RunId, ["evaluator"] = e.Evaluator, ["epoch"] = e.Epoch, ["artifact"] = Text(e.Artifact),
            ["metrics"] = metrics, ["at"] = Time(e.At),
        };
    }

    public static EvaluationRecord Evaluation(BsonDocument d) => new(d["_id"].AsString, d["run"].AsString, d["evaluator"].AsString, d["epoch"].AsInt32,
        Text(d["artifact"]), d["metrics"].AsDocument.ToDictionary(m => m.Key, m => m.Value.AsDouble), Time(d["at"]));

    public static BsonDocument Metric(MetricPoint m) => new()
    {
        ["run"] = m.RunId, ["name"] = m.Name, ["value"] = m.Value, ["epoch"] = m.Epoch, ["step"] = m.Step, ["at"] = Time(m.At),
        ["evaluation"] = Text(m.Evaluation),
    };

    public static MetricPoint Metric(BsonDocument d) =>
        new(d["run"].AsString, d["name"].AsString, d["value"].AsDouble, d["epoch"].AsInt32, d["step"].AsInt64, Time(d["at"]), Text(d["evaluation"]));

    public static BsonDocument Relation(Relation r) => new() { ["_id"] = r.Id, ["from"] = r.From, ["kind"] = r.Kind, ["to"] = r.To };

    public static Relation Relation(BsonDocument d) => new(d["from"].AsString, d["kind"].AsString, d["to"].AsString);
}

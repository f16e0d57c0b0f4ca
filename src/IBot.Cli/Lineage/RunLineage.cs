using System.Reflection;
using System.Runtime.InteropServices;
using IBot.Pipeline.Hosting;
using IBot.Pipeline.Lineage;
using IBot.Pipeline.Lineage.Lite;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;
using IBot.Pipeline.Vision.Runtime;

namespace IBot.Cli.Lineage;

/// <summary>What the CLI knows that the engine's recorder needs: the store of a workspace, the
/// environment (TorchSharp and libtorch versions live in the vision assembly) and the run record.</summary>
public static class RunLineage
{
    public static ILineageStore Open(Workspace workspace) => new LiteLineageStore(workspace.LineageDatabase);

    public static EnvironmentInfo Environment()
    {
        var version = typeof(RunLineage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+');
        string? libtorch;
        try
        {
            libtorch = TorchEnvironment.LibTorchVersion;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            libtorch = null;
        }
        return new EnvironmentInfo(System.Environment.MachineName, $"{RuntimeInformation.OSDescription} ({RuntimeInformation.RuntimeIdentifier})",
            RuntimeInformation.FrameworkDescription, TorchEnvironment.TorchSharpVersion, libtorch,
            plus < 0 ? version : version[..plus], plus < 0 ? null : version[(plus + 1)..]);
    }

    public static RunRecord NewRun(string runId, ResolvedSpec spec, string device, string folder, IEnumerable<DatasetFingerprint> datasets, string reuseKey)
    {
        var now = DateTime.UtcNow;
        return new RunRecord
        {
            Id = runId, Name = spec.Spec.Name, Kind = spec.IsTraining ? RunKind.Training : RunKind.Evaluation, SpecHash = spec.Hash,
            Status = RunState.Running, History = [new StatusChange(runId, RunState.Running, now)], Created = now, Updated = now,
            Device = device, Folder = folder, Environment = Environment(), Datasets = DatasetFingerprints.Ids(datasets), DataRoles = DatasetFingerprints.Roles(datasets),
            Params = SpecParams.Flatten(spec.Tree), ReuseKey = reuseKey,
        };
    }

    public static SpecRecord Spec(ResolvedSpec spec) => new(SpecRecord.IdOf(spec.Hash), spec.Hash, spec.Spec.Name, spec.ToYaml(), DateTime.UtcNow);

    public static RunState State(IBot.Pipeline.Vision.Runs.RunStatus status) => status switch
    {
        IBot.Pipeline.Vision.Runs.RunStatus.Completed => RunState.Completed,
        IBot.Pipeline.Vision.Runs.RunStatus.Cancelled => RunState.Cancelled,
        _ => RunState.Failed,
    };
}

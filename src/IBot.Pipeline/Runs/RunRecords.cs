using System.Reflection;
using System.Runtime.InteropServices;
using IBot.Pipeline.Abstractions.Runs;
using IBot.Pipeline.Abstractions.Runtime;
using IBot.Pipeline.Lineage.Model;
using IBot.Pipeline.Lineage.Recording;
using IBot.Pipeline.Specs;

namespace IBot.Pipeline.Runs;

/// <summary>The lineage records a run starts with: the run itself, its spec and the environment.</summary>
public static class RunRecords
{
    public static EnvironmentInfo Environment(IRuntimeInfo runtime)
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(RunRecords).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+');
        return new EnvironmentInfo(System.Environment.MachineName, $"{RuntimeInformation.OSDescription} ({RuntimeInformation.RuntimeIdentifier})",
            RuntimeInformation.FrameworkDescription, runtime.TorchSharpVersion, runtime.LibTorchVersion,
            plus < 0 ? version : version[..plus], plus < 0 ? null : version[(plus + 1)..]);
    }

    public static RunRecord NewRun(string runId, ResolvedSpec spec, string device, string folder, IEnumerable<DatasetFingerprint> datasets,
        string reuseKey, EnvironmentInfo environment)
    {
        var now = DateTime.UtcNow;
        return new RunRecord
        {
            Id = runId, Name = spec.Spec.Name, Kind = spec.IsTraining ? RunKind.Training : RunKind.Evaluation, SpecHash = spec.Hash,
            Status = RunState.Running, History = [new StatusChange(runId, RunState.Running, now)], Created = now, Updated = now,
            Device = device, Folder = folder, Environment = environment, Datasets = DatasetFingerprints.Ids(datasets), DataRoles = DatasetFingerprints.Roles(datasets),
            Params = SpecParams.Flatten(spec.Tree), ReuseKey = reuseKey,
        };
    }

    public static SpecRecord Spec(ResolvedSpec spec) => new(SpecRecord.IdOf(spec.Hash), spec.Hash, spec.Spec.Name, spec.ToYaml(), DateTime.UtcNow);
}

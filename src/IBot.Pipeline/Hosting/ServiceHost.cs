using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Builds <c>ibot serve</c>: a Generic Host with the supervisor and a Quartz scheduler (in-memory
/// store: the durable state is the queue database, Quartz only keeps time) firing dispatch,
/// heartbeat and schedule-sync jobs. SIGINT and SIGTERM stop the host through its console lifetime.
/// </summary>
public static class ServiceHost
{
    public static IHost Build(ServiceOptions options, Workspace workspace, IRunQueue queue, IScheduleStore schedules, IRunLauncher launcher,
        RunSubmitter submitter, Action<ILoggingBuilder>? logging = null, QueueLineage? lineage = null, IClusterQueue? cluster = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        var services = builder.Services;
        services.Configure<HostOptions>(h => h.ShutdownTimeout = options.StopTimeout + TimeSpan.FromSeconds(30));
        services.AddSingleton(options).AddSingleton(workspace).AddSingleton(queue).AddSingleton(schedules).AddSingleton(launcher).AddSingleton(submitter);
        services.AddSingleton(new DeviceLeases(options.Slots));
        services.AddSingleton(sp => new RunSupervisor(queue, launcher, sp.GetRequiredService<DeviceLeases>(), options, workspace,
            sp.GetRequiredService<ILogger<RunSupervisor>>(), lineage, cluster));
        services.AddHostedService<SupervisorService>();
        services.AddQuartz(q =>
        {
            q.UseInMemoryStore(_ => { });
            q.UseDefaultThreadPool(4);
            q.AddJob<DispatchJob>(j => j.WithIdentity(DispatchJob.Key));
            q.AddTrigger(t => t.ForJob(DispatchJob.Key).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(options.DispatchInterval).RepeatForever()));
            q.AddJob<HeartbeatJob>(j => j.WithIdentity(HeartbeatJob.Key));
            q.AddTrigger(t => t.ForJob(HeartbeatJob.Key).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(options.HeartbeatInterval).RepeatForever()));
            q.AddJob<ScheduleSyncJob>(j => j.WithIdentity(ScheduleSyncJob.Key));
            q.AddTrigger(t => t.ForJob(ScheduleSyncJob.Key).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(options.ScheduleSyncInterval).RepeatForever()));
            q.AddJobType<ScheduledSubmitJob>();
        });
        services.AddQuartzHostedService(h => h.WaitForJobsToComplete = true);
        return builder.Build();
    }
}

using IBot.Pipeline.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace IBot.Pipeline.Hosting;

/// <summary>
/// Builds <c>ibot serve</c>: a Generic Host with the supervisor and a Quartz scheduler (in-memory
/// store: the durable state is the queue database, Quartz only keeps time) firing dispatch,
/// heartbeat and schedule-sync jobs. The cron schedules' triggers live in that scheduler on one
/// machine; a node of a shared store keeps them in a second scheduler on the cluster's Quartz job
/// store (<see cref="IClusterTriggerStore"/>), so each fire time fires on one node.
/// SIGINT and SIGTERM stop the host through its console lifetime.
/// </summary>
public static class ServiceHost
{
    /// <summary>The clustered scheduler's name, the same on every node (Quartz's <c>sched_name</c>).</summary>
    public const string ClusterSchedulerName = "ibot-schedules";

    public static IHost Build(ServiceOptions options, Workspace workspace, IRunQueue queue, IScheduleStore schedules, IRunLauncher launcher,
        RunSubmitter submitter, Action<ILoggingBuilder>? logging = null, QueueLineage? lineage = null, IClusterQueue? cluster = null,
        IClusterTriggerStore? triggers = null)
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
            // On a shared store the sync job keeps the clustered scheduler's triggers, not its own scheduler's.
            q.AddJobType(sp => new ScheduleSyncJob(sp.GetRequiredService<IScheduleStore>(), sp.GetRequiredService<ILogger<ScheduleSyncJob>>(),
                triggers is null ? null : sp.GetRequiredKeyedService<IScheduler>(ClusterSchedulerName)));
            q.AddJob<ScheduleSyncJob>(j => j.WithIdentity(ScheduleSyncJob.Key));
            q.AddTrigger(t => t.ForJob(ScheduleSyncJob.Key).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(options.ScheduleSyncInterval).RepeatForever()));
            if (triggers is null) q.AddJobType<ScheduledSubmitJob>();
        });
        if (triggers is not null)
        {
            if (options.Node is null) throw new ArgumentException("a clustered trigger store needs the node's name (ServiceOptions.Node)");
            services.AddQuartz(ClusterSchedulerName, q =>
            {
                // The node's name is its Quartz instance id: unique among live nodes, and the same after a restart,
                // so the node recovers its own interrupted firings.
                q.ConfigureScheduler(s => s.InstanceId = options.Node);
                q.UseDefaultThreadPool(2);
                q.UsePersistentStore(store =>
                {
                    triggers.Configure(store);
                    store.UseClustering(c => c.CheckinInterval = options.ClusterCheckinInterval);
                    // Quartz creates its own tables on first start (only ever creating; nothing is altered or dropped).
                    store.ProvisionSchema();
                    store.ConfigureStore(o => o.MisfireThreshold = options.MisfireThreshold);
                });
                q.AddJobType<ScheduledSubmitJob>();
            });
        }
        services.AddQuartzHostedService(h => h.WaitForJobsToComplete = true);
        return builder.Build();
    }
}

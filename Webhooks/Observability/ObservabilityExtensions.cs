using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Prometheus;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>Metrics, log format and shutdown: how the server is watched and stopped.</summary>
public static partial class ObservabilityExtensions
{
    /// <summary>Registers the metric registry (one per host), the JSON log format, the shutdown timeout and the start-up report.</summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // A registry of our own per host (not the process-wide default): two hosts in one process,
        // as in the tests, keep their counts apart.
        services.AddSingleton(_ => Metrics.NewCustomRegistry());
        services.AddSingleton<IMetricFactory>(sp => Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<SchedulingMetrics>();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>(
            (host, shutdown) => host.ShutdownTimeout = TimeSpan.FromSeconds(shutdown.Value.TimeoutSeconds));

        // Logging:Format=json (the container's default) → one JSON object a line, with the request id.
        builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>(o => o.UseUtcTimestamp = true);
        services.AddOptions<ConsoleLoggerOptions>().Configure<IConfiguration>((console, configuration) =>
        {
            if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
            {
                console.FormatterName = JsonLogFormatter.Name;
            }
        });
        services.AddOptions<LogFormatOptions>().BindConfiguration(LogFormatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // First of the hosted services: migrations are applied before any job or drainer starts.
        services.AddHostedService<StartupReport>();
        return builder;
    }

    /// <summary>Times webhooks, tags answers with X-Request-Id, and serves <c>/metrics</c> (Prometheus text format).</summary>
    public static WebApplication UseObservability(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        var metrics = app.Services.GetRequiredService<WebhookMetrics>();
        var port = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ObservabilityExtensions).FullName!);
        registry.AddBeforeCollectCallback(cancellationToken => RefreshRemindersDueAsync(app.Services, metrics, logger, cancellationToken));

        app.UseMiddleware<WebhookTiming>();
        app.UseHttpMetrics(options => options.SetMetricFactory(app.Services.GetRequiredService<IMetricFactory>()));
        if (port is { } only)
        {
            // The port, not the Host header (which a caller chooses), decides: the public port never shows metrics.
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/metrics") && c.Connection.LocalPort != only,
                branch => branch.Run(c =>
                {
                    c.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }));
        }
        app.MapMetrics("/metrics", registry).ExcludeFromDescription();
        return app;
    }

    /// <summary>Counts due, unclaimed reminders at scrape time (served by the (status, scheduled_time) index).</summary>
    private static async Task RefreshRemindersDueAsync(IServiceProvider services, WebhookMetrics metrics, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var due = await db.Reminders.CountAsync(r => r.Status == ReminderStatus.Scheduled && r.ScheduledTime <= now, timeout.Token);
            metrics.RemindersDue.Set(due);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A scrape must still answer while the database is away: the gauge keeps its last value.
            LogRemindersDueUnavailable(logger, error.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Metrics: due reminders not counted ({Error}); tf_reminders_due keeps its last value")]
    private static partial void LogRemindersDueUnavailable(ILogger logger, string error);
}

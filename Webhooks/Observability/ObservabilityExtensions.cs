using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Prometheus;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>Metrics, log format and shutdown: how the server is watched and stopped.</summary>
public static class ObservabilityExtensions
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
        services.AddSingleton<RemindersDueGauge>();
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
        var port = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port;
        var remindersDue = app.Services.GetRequiredService<RemindersDueGauge>();
        registry.AddBeforeCollectCallback(remindersDue.RefreshAsync);

        app.UseMiddleware<WebhookTiming>();
        app.UseHttpMetrics(options => options.SetMetricFactory(app.Services.GetRequiredService<IMetricFactory>()));
        // The port, not the Host header (which a caller chooses), decides: the public port never shows metrics.
        // Without Metrics:Port, only callers on this machine (a sidecar, an SSH tunnel) see them.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/metrics") && !(port is { } only ? c.Connection.LocalPort == only : IsLocal(c)),
            branch => branch.Run(c =>
            {
                c.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        app.MapMetrics("/metrics", registry).ExcludeFromDescription();
        return app;
    }

    /// <summary>A loopback caller; the in-process test host has no address.</summary>
    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || System.Net.IPAddress.IsLoopback(address);
}

using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>Where <c>/metrics</c> answers (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// When set, <c>/metrics</c> answers only on connections to this local port (list it in
    /// ASPNETCORE_HTTP_PORTS too) and 404 on the public one; unset, it answers loopback callers only.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Metrics:Port must be a port number.")]
    public int? Port { get; set; }

    /// <summary>How long a count of due reminders (<c>tf_reminders_due</c>) serves scrapes before the next one.</summary>
    [Range(1, 3600, ErrorMessage = "Metrics:RemindersDueRefreshSeconds must be from 1 to 3600.")]
    public int RemindersDueRefreshSeconds { get; set; } = 15;
}

/// <summary>How long a stopping instance may take (section <c>Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// In-flight webhooks and the reminder being sent get this long to finish once a stop is asked
    /// for; keep the orchestrator's grace period above it (Kubernetes: terminationGracePeriodSeconds).
    /// </summary>
    [Range(1, 300, ErrorMessage = "Shutdown:TimeoutSeconds must be from 1 to 300.")]
    public int TimeoutSeconds { get; set; } = 25;
}

/// <summary>The console log format (<c>Logging:Format</c>): <c>json</c> (the container's) or <c>text</c>.</summary>
public sealed class LogFormatOptions
{
    public const string Section = "Logging";

    [RegularExpression("(?i)^(json|text)$", ErrorMessage = "Logging:Format must be json or text.")]
    public string? Format { get; set; }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// <c>tf_reminders_due</c>: due, unclaimed reminders, counted at most once every
/// <c>Metrics:RemindersDueRefreshSeconds</c> however often (and however many at once) scrapers ask.
/// </summary>
public sealed partial class RemindersDueGauge(
    IServiceScopeFactory scopes, WebhookMetrics metrics, TimeProvider clock, IOptions<MetricsOptions> options, ILogger<RemindersDueGauge> logger)
{
    private readonly SemaphoreSlim _single = new(1, 1);
    private DateTimeOffset? _countedAt;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Fresh())
        {
            return;
        }
        // Single flight: scrapes arriving during a count wait for it instead of starting their own.
        await _single.WaitAsync(cancellationToken);
        try
        {
            if (Fresh())
            {
                return;
            }
            _countedAt = clock.GetUtcNow();
            await CountAsync(cancellationToken);
        }
        finally
        {
            _single.Release();
        }
    }

    /// <summary>Counted less than the interval ago (a clock set back makes the count stale).</summary>
    private bool Fresh() =>
        _countedAt is { } at && clock.GetUtcNow() - at is var age && age >= TimeSpan.Zero && age < TimeSpan.FromSeconds(options.Value.RemindersDueRefreshSeconds);

    /// <summary>Served by the (status, scheduled_time) index.</summary>
    private async Task CountAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            var now = clock.GetUtcNow();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            metrics.RemindersDue.Set(await db.Reminders.CountAsync(r => r.Status == ReminderStatus.Scheduled && r.ScheduledTime <= now, timeout.Token));
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

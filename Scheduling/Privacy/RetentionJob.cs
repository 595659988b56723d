using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Privacy;

/// <summary>Purges comments and voice recordings past the retention period, keeping the anonymous ratings, old handled message ids and finished call-backs.</summary>
public sealed partial class RetentionJob(FeedbackDbContext db, TimeProvider clock, IOptions<RetentionOptions> options, ILogger<RetentionJob> logger) : IInvocable
{
    public async Task Invoke() => await PurgeAsync(CancellationToken.None);

    /// <summary>Returns how many comments and recordings were removed.</summary>
    public async Task<(int Comments, int Recordings)> PurgeAsync(CancellationToken cancellationToken)
    {
        await PurgeProcessedMessagesAsync(cancellationToken);
        await PurgeCallBacksAsync(cancellationToken);
        if (options.Value.Days == 0)
        {
            return (0, 0);
        }
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.Days);
        var old = db.Feedbacks.Where(f => f.DateSubmitted < cutoff && (f.Content != null || f.VoiceRecordingId != null));
        var comments = await old.ExecuteUpdateAsync(s => s
            .SetProperty(f => f.Content, (string?)null)
            .SetProperty(f => f.Transcript, (string?)null)
            .SetProperty(f => f.Translation, (string?)null)
            .SetProperty(f => f.VoiceRecordingId, (long?)null), cancellationToken);
        // The inbox's labelled data quotes the comments: it goes with them.
        await db.FeedbackCorrections.Where(c => db.Feedbacks.Any(f => f.Id == c.FeedbackId && f.DateSubmitted < cutoff)).ExecuteDeleteAsync(cancellationToken);
        // Recordings no feedback points to any more, once old enough (a call's recording may arrive before its row links it).
        var recordings = await db.VoiceRecordings
            .Where(r => r.CreatedAt < cutoff && !db.Feedbacks.Any(f => f.VoiceRecordingId == r.Id))
            .ExecuteDeleteAsync(cancellationToken);
        if (comments + recordings > 0)
        {
            LogPurged(logger, comments, recordings, options.Value.Days);
        }
        return (comments, recordings);
    }

    /// <summary>Forgets handled message ids older than <see cref="RetentionOptions.ProcessedMessagesDays"/>; returns how many.</summary>
    public async Task<int> PurgeProcessedMessagesAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.ProcessedMessagesDays);
        return await db.ProcessedMessages.Where(m => m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes finished call-backs (answered, failed, skipped) last changed before the retention; returns how many.
    /// At least two days, so the per-day limit still counts yesterday's.
    /// </summary>
    public async Task<int> PurgeCallBacksAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.Days > 0 ? Math.Max(2, Math.Min(options.Value.Days, options.Value.CallBacksDays)) : options.Value.CallBacksDays;
        var cutoff = clock.GetUtcNow().AddDays(-days);
        var purged = await db.CallBacks
            .Where(c => c.UpdatedAt < cutoff && (c.Status == CallBackStatus.Answered || c.Status == CallBackStatus.Failed || c.Status == CallBackStatus.Skipped))
            .ExecuteDeleteAsync(cancellationToken);
        if (purged > 0)
        {
            LogCallBacksPurged(logger, purged, days);
        }
        return purged;
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Retention: purged {CallBacks} finished call-backs older than {Days} days")]
    private static partial void LogCallBacksPurged(ILogger logger, int callBacks, int days);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Retention: purged comments of {Feedbacks} feedbacks and {Recordings} recordings older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int feedbacks, int recordings, int days);
}

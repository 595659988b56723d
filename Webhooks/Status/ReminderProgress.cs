using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>Moves a reminder on from a provider's callback, never back (late, repeated or out-of-order callbacks change nothing).</summary>
public static class ReminderProgress
{
    private static readonly string[] Statuses =
        [ReminderStatus.Scheduled, ReminderStatus.Sending, ReminderStatus.Sent, ReminderStatus.Delivered, ReminderStatus.Failed];

    public static Task<int> AdvanceAsync(FeedbackDbContext db, string providerId, string next, string? errorCode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lower = Statuses.Where(s => Reminder.Rank(s) < Reminder.Rank(next)).ToList();
        // An error code is a few digits; whatever else a callback carries is cut to fit last_error.
        var error = next == ReminderStatus.Failed && !string.IsNullOrEmpty(errorCode) ? "Twilio error " + TwilioFeedback.Resources.SafeText.Clean(errorCode, 32) : null;
        return db.Reminders.Where(r => r.ProviderId == providerId && lower.Contains(r.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, next)
                .SetProperty(r => r.LastError, r => error ?? r.LastError)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
    }
}

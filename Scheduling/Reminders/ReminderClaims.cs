using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// The lease protocol: due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so any number
/// of dispatchers share the work and none sends a reminder twice; a claim left by a dead instance is taken
/// over once its lease has passed; a batch renews its lease before a send could outlast it, and hands back
/// what it has not sent when its instance stops.
/// </summary>
public sealed partial class ReminderClaims(
    FeedbackDbContext db, ReminderTransitions transitions, TimeProvider clock, IOptions<ReminderOptions> options, ILogger<ReminderClaims> logger)
{
    /// <summary>Claims up to a batch of due rows (and rows whose lease has passed) for one lease from <paramref name="now"/>.</summary>
    public async Task<(List<long> Ids, DateTimeOffset LeaseUntil)> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leaseUntil = Microseconds(now + options.Value.Lease);
        var (claimed, abandoned) = await transitions.ClaimAsync(now, leaseUntil, options.Value.BatchSize, options.Value.MaxAttempts, cancellationToken);
        if (abandoned > 0)
        {
            LogAbandoned(logger, abandoned, options.Value.MaxAttempts);
        }
        return (claimed, leaseUntil);
    }

    /// <summary>
    /// How long a reminder may keep this dispatcher busy: each channel one bounded send, then the save
    /// (the margin also covers clocks a little apart between instances).
    /// </summary>
    public static TimeSpan SendBudget(Reminder reminder) =>
        ProviderResilience.SendTimeout * Math.Max(1, reminder.Channels.Count) + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extends the lease of the batch's unsent rows that are still ours (no other dispatcher took them
    /// over: its claim wrote a later lease_until); the others are dropped from the batch.
    /// </summary>
    public async Task<DateTimeOffset> RenewAsync(long[] ids, DateTimeOffset leaseUntil, Dictionary<long, Reminder> reminders, TimeSpan budget, CancellationToken cancellationToken)
    {
        var renewed = Microseconds(clock.GetUtcNow() + (options.Value.Lease > budget ? options.Value.Lease : budget));
        var held = await db.Database.SqlQuery<long>(
            $"""
            UPDATE reminders SET lease_until = {renewed}
            WHERE id = ANY({ids}) AND status = {ReminderStatus.Sending} AND lease_until = {leaseUntil}
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        foreach (var lost in ids.Except(held))
        {
            reminders.Remove(lost);
        }
        return renewed;
    }

    /// <summary>Gives claimed but unsent rows back while stopping, so another instance sends them now.</summary>
    public async Task ReleaseAsync(long[] ids, DateTimeOffset leaseUntil) => LogReleased(logger, await transitions.HandBackAsync(ids, leaseUntil));

    /// <summary>PostgreSQL keeps microseconds: a lease written and compared must be one it can hold exactly.</summary>
    internal static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "{Count} reminders failed for good (abandoned): their send did not finish within the lease {MaxAttempts} times")]
    private static partial void LogAbandoned(ILogger logger, int count, int maxAttempts);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Stopping: {Count} claimed reminders handed back for another instance")]
    private static partial void LogReleased(ILogger logger, int count);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// The lease protocol: due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so any number
/// of dispatchers share the work and none sends a reminder twice; a claim left by a dead instance is taken
/// over once its lease has passed; a batch renews its lease before a send could outlast it, and hands back
/// what it has not sent when its instance stops.
/// </summary>
public sealed class ReminderClaims(FeedbackDbContext db, TimeProvider clock, IOptions<ReminderOptions> options, SchedulingMetrics metrics)
{
    /// <summary>The lease of a batch claimed at <paramref name="now"/>.</summary>
    public DateTimeOffset LeaseFrom(DateTimeOffset now) => Microseconds(now + options.Value.Lease);

    /// <summary>Claims up to a batch of due rows (and rows whose lease has passed) until <paramref name="leaseUntil"/>.</summary>
    public async Task<List<long>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var claimed = await db.Database.SqlQuery<long>(
            $"""
            UPDATE reminders SET status = {ReminderStatus.Sending}, lease_until = {leaseUntil}, attempts = attempts + 1, updated_at = {now}
            WHERE id IN (
                SELECT id FROM reminders
                WHERE (status = {ReminderStatus.Scheduled} AND scheduled_time <= {now})
                   OR (status = {ReminderStatus.Sending} AND lease_until < {now})
                ORDER BY scheduled_time
                LIMIT {options.Value.BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        metrics.ReminderTransitions(ReminderStatus.Sending, claimed.Count);
        return claimed;
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

    /// <summary>Gives claimed but unsent rows back (no lease, the attempt not counted), so another instance sends them now; returns how many.</summary>
    public async Task<int> ReleaseAsync(long[] ids, DateTimeOffset leaseUntil)
    {
        var now = clock.GetUtcNow();
        var released = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE reminders SET status = {ReminderStatus.Scheduled}, lease_until = NULL, attempts = attempts - 1, updated_at = {now}
            WHERE id = ANY({ids}) AND status = {ReminderStatus.Sending} AND lease_until = {leaseUntil}
            """, CancellationToken.None);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, released);
        return released;
    }

    /// <summary>PostgreSQL keeps microseconds: a lease written and compared must be one it can hold exactly.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);
}

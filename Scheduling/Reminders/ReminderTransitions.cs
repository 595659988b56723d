using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// The only code that changes a reminder's status. The moves allowed are data (<see cref="Allowed"/>);
/// each statement is guarded by them, so a late, repeated or raced write changes nothing, and each move
/// is counted (<c>tf_reminder_transitions_total</c>) by the status it reached.
/// </summary>
public sealed class ReminderTransitions(FeedbackDbContext db, TimeProvider clock, SchedulingMetrics metrics)
{
    private const string Scheduled = ReminderStatus.Scheduled, Sending = ReminderStatus.Sending, Sent = ReminderStatus.Sent,
        Delivered = ReminderStatus.Delivered, Failed = ReminderStatus.Failed, Cancelled = ReminderStatus.Cancelled,
        Skipped = ReminderStatus.Skipped, Confirmed = ReminderStatus.Confirmed, Declined = ReminderStatus.Declined;

    /// <summary>Every move a reminder may make; any other is refused.</summary>
    public static IReadOnlyList<ReminderTransition> Allowed { get; } =
    [
        new(ReminderMove.Claim, Scheduled, Sending),
        new(ReminderMove.TakeOver, Sending, Sending),
        new(ReminderMove.Abandon, Sending, Failed),
        new(ReminderMove.HandBack, Sending, Scheduled),
        new(ReminderMove.Outcome, Sending, Sent),
        new(ReminderMove.Outcome, Sending, Failed),
        new(ReminderMove.Outcome, Sending, Skipped),
        new(ReminderMove.Outcome, Sending, Scheduled),
        // Callbacks move forward only, scheduled → sending → sent → delivered | failed; the last two are final.
        new(ReminderMove.Callback, Scheduled, Sent),
        new(ReminderMove.Callback, Sending, Sent),
        new(ReminderMove.Callback, Scheduled, Delivered),
        new(ReminderMove.Callback, Sending, Delivered),
        new(ReminderMove.Callback, Sent, Delivered),
        new(ReminderMove.Callback, Scheduled, Failed),
        new(ReminderMove.Callback, Sending, Failed),
        new(ReminderMove.Callback, Sent, Failed),
        new(ReminderMove.Answer, Sent, Confirmed),
        new(ReminderMove.Answer, Delivered, Confirmed),
        new(ReminderMove.Answer, Sent, Declined),
        new(ReminderMove.Answer, Delivered, Declined),
        new(ReminderMove.Cancel, Scheduled, Cancelled),
        new(ReminderMove.Cancel, Sending, Cancelled), // only once its lease has passed: a live claim wins
    ];

    private static readonly FrozenSet<ReminderTransition> AllowedSet = Allowed.ToFrozenSet();

    private static readonly FrozenDictionary<string, string[]> CallbackFrom = From(ReminderMove.Callback);

    private static readonly string[] AnswerFrom = [.. From(ReminderMove.Answer)[Confirmed]];

    public static bool Allows(ReminderMove move, string from, string to) => AllowedSet.Contains(new(move, from, to));

    /// <summary>Why a row whose claims all ran out failed (<see cref="ReminderMove.Abandon"/>).</summary>
    public const string Abandoned = "abandoned";

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> due rows, and rows whose lease has passed, until
    /// <paramref name="leaseUntil"/>; <c>FOR UPDATE SKIP LOCKED</c> keeps concurrent claims apart. Due rows and
    /// rows whose lease has passed are each read in their own branch, in scheduled order along the (status,
    /// scheduled_time) index, and the earliest of both taken: one condition with an OR made PostgreSQL read and sort
    /// every due row for each batch, 100 ms a claim with a backlog of 100,000 (bench/NOTES.md). Each claim
    /// counts an attempt: a row whose lease has passed on its last allowed attempt is not taken over but
    /// fails for good (<see cref="Abandoned"/>), so a row that kills its sender cannot come back forever.
    /// Returns the claimed ids and how many rows were abandoned.
    /// </summary>
    public async Task<(List<long> Claimed, int Abandoned)> ClaimAsync(
        DateTimeOffset now, DateTimeOffset leaseUntil, int batchSize, int maxAttempts, CancellationToken cancellationToken)
    {
        var error = $"Its send did not finish within the lease, {maxAttempts} times (Reminders:MaxAttempts).";
        var abandoned = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE reminders SET status = {Failed}, reason = {Abandoned}, lease_until = NULL, last_error = {error}, updated_at = {now}
            WHERE status = {Sending} AND lease_until < {now} AND attempts >= {maxAttempts}
            """, cancellationToken);
        metrics.ReminderTransitions(Failed, abandoned);
        var claimed = await db.Database.SqlQuery<long>(
            $"""
            WITH due AS (
                SELECT id, scheduled_time FROM reminders
                WHERE status = {Scheduled} AND scheduled_time <= {now}
                ORDER BY scheduled_time LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED),
            stale AS (
                SELECT id, scheduled_time FROM reminders
                WHERE status = {Sending} AND lease_until < {now} AND attempts < {maxAttempts}
                ORDER BY scheduled_time LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED),
            picked AS (
                SELECT id FROM (SELECT id, scheduled_time FROM due UNION ALL SELECT id, scheduled_time FROM stale) AS candidates
                ORDER BY scheduled_time LIMIT {batchSize})
            UPDATE reminders SET status = {Sending}, lease_until = {leaseUntil}, attempts = attempts + 1, updated_at = {now}
            WHERE id IN (SELECT id FROM picked)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        metrics.ReminderTransitions(Sending, claimed.Count);
        return (claimed, abandoned);
    }

    /// <summary>Gives claimed but unsent rows back (no lease, the attempt not counted) while the claim still holds; returns how many.</summary>
    public async Task<int> HandBackAsync(long[] ids, DateTimeOffset leaseUntil)
    {
        var now = clock.GetUtcNow();
        var released = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE reminders SET status = {Scheduled}, lease_until = NULL, attempts = attempts - 1, updated_at = {now}
            WHERE id = ANY({ids}) AND status = {Sending} AND lease_until = {leaseUntil}
            """, CancellationToken.None);
        metrics.ReminderTransitions(Scheduled, released);
        return released;
    }

    /// <summary>Throws unless a send may leave <paramref name="reminder"/> in the status set on it.</summary>
    public static void EnsureOutcome(Reminder reminder)
    {
        if (!Allows(ReminderMove.Outcome, Sending, reminder.Status))
        {
            throw new InvalidOperationException($"A send cannot leave reminder {reminder.Id} {reminder.Status}.");
        }
    }

    /// <summary>
    /// Saves what sends came to (the status, reason and times set on each of <paramref name="reminders"/>), in one
    /// statement, each row only while the claim still holds; returns the ids saved (another dispatcher took the others over meanwhile).
    /// </summary>
    public async Task<HashSet<long>> RecordOutcomesAsync(ReminderOutcomeWriter writer, IReadOnlyList<Reminder> reminders, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        foreach (var reminder in reminders)
        {
            EnsureOutcome(reminder);
        }
        var saved = await writer.SaveAsync(reminders, leaseUntil, cancellationToken);
        foreach (var reminder in reminders)
        {
            if (saved.Contains(reminder.Id))
            {
                metrics.ReminderTransitions(reminder.Status);
            }
        }
        return saved;
    }

    /// <summary>
    /// Moves the reminder sent as <paramref name="providerId"/> on from a provider's callback, never back
    /// (late, repeated or out-of-order callbacks change nothing); returns how many rows moved.
    /// </summary>
    public async Task<int> AdvanceAsync(string providerId, string next, string? errorCode, CancellationToken cancellationToken)
    {
        if (!CallbackFrom.TryGetValue(next, out var from))
        {
            throw new ArgumentOutOfRangeException(nameof(next), next, "No callback moves a reminder there.");
        }
        // The code comes from the request: kept short and clean (a reminder that matched would otherwise overflow last_error).
        var error = next == Failed && !string.IsNullOrEmpty(errorCode) ? "Twilio error " + SafeText.Clean(errorCode, 16) : null;
        var now = clock.GetUtcNow();
        var changed = await db.Reminders.Where(r => r.ProviderId == providerId && from.Contains(r.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, next)
                .SetProperty(r => r.LastError, r => error ?? r.LastError)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
        metrics.ReminderTransitions(next, changed);
        return changed;
    }

    /// <summary>
    /// The patient's 1 (<paramref name="confirmed"/>) or 2 to a reminder awaiting it, by message or keypad.
    /// <paramref name="messageId"/> is what answered (a message's sid, a call's sid and step): the same
    /// one replayed answers nothing else. With <paramref name="providerId"/> (a keypad answer), only the
    /// call placed for that reminder answers it. Returns how many rows moved (0 or 1).
    /// </summary>
    public async Task<int> AnswerAsync(long reminderId, bool confirmed, string? messageId, CancellationToken cancellationToken, string? providerId = null)
    {
        // A retried or re-drained message has answered its reminder already: it answers no other.
        if (await db.Reminders.AnyAsync(r => r.RespondedMessageId == messageId, cancellationToken))
        {
            return 0;
        }
        var to = confirmed ? Confirmed : Declined;
        var now = clock.GetUtcNow();
        var reminders = db.Reminders.Where(r => r.Id == reminderId && r.RespondedAt == null && AnswerFrom.Contains(r.Status));
        if (providerId is not null)
        {
            reminders = reminders.Where(r => r.ProviderId == providerId);
        }
        var answered = await reminders.ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, to)
                .SetProperty(r => r.RespondedAt, now)
                .SetProperty(r => r.RespondedMessageId, messageId)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
        metrics.ReminderTransitions(to, answered);
        if (answered == 1)
        {
            await Appointments.AppointmentAnswers.ApplyAsync(db, this, reminderId, confirmed, now, cancellationToken);
        }
        return answered;
    }

    /// <summary>
    /// Cancels the reminder if it is still scheduled, or stuck sending after its lease has passed (a
    /// dispatcher whose claim still holds wins the race); returns 0 or 1.
    /// </summary>
    public Task<int> CancelAsync(long reminderId, CancellationToken cancellationToken) =>
        CancelWaitingAsync(db.Reminders.Where(r => r.Id == reminderId), cancellationToken);

    /// <summary>Cancels every reminder of the patient still waiting to go out (their data is being erased); returns how many.</summary>
    public Task<int> CancelAllOfPatientAsync(long patientId, CancellationToken cancellationToken) =>
        CancelWaitingAsync(db.Reminders.Where(r => r.PatientId == patientId), cancellationToken);

    /// <summary>Cancels every reminder of the appointment still waiting to go out (cancelled, declined or moved past them); returns how many.</summary>
    public Task<int> CancelAllOfAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken) =>
        CancelWaitingAsync(db.Reminders.Where(r => r.AppointmentId == appointmentId), cancellationToken);

    private async Task<int> CancelWaitingAsync(IQueryable<Reminder> reminders, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var changed = await reminders.Where(r => r.Status == Scheduled || (r.Status == Sending && r.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, Cancelled).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
        metrics.ReminderTransitions(Cancelled, changed);
        return changed;
    }

    /// <summary>For each status <paramref name="move"/> reaches, the statuses it may leave.</summary>
    private static FrozenDictionary<string, string[]> From(ReminderMove move) =>
        Allowed.Where(t => t.Move == move).GroupBy(t => t.To).ToFrozenDictionary(g => g.Key, g => g.Select(t => t.From).ToArray());
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>
/// The only code that changes a call-back's status, each move one guarded statement (as
/// <c>ReminderTransitions</c> does for reminders): a claim with <c>FOR UPDATE SKIP LOCKED</c> and a lease,
/// an outcome saved only while the claim holds, and Twilio's callbacks moving a placed call on, never back.
/// </summary>
public sealed class CallBackTransitions(FeedbackDbContext db, TimeProvider clock, IOptions<CallBackOptions> options, CallBackMetrics metrics)
{
    private const string Scheduled = CallBackStatus.Scheduled, Placing = CallBackStatus.Placing, Placed = CallBackStatus.Placed,
        Answered = CallBackStatus.Answered, Failed = CallBackStatus.Failed;

    /// <summary>
    /// Claims due rows (and rows whose lease has passed) until <paramref name="leaseUntil"/>; a row whose claims all ran out fails as abandoned.
    /// Each kind is read in its own branch along the (status, due_at) index, as the reminders' claim does.
    /// </summary>
    public async Task<List<long>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int batchSize, int maxAttempts, CancellationToken cancellationToken)
    {
        var abandoned = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE call_backs SET status = {Failed}, lease_until = NULL, updated_at = {now},
                last_error = 'abandoned: its call was not placed within the lease, Reminders:MaxAttempts times'
            WHERE status = {Placing} AND lease_until < {now} AND attempts >= {maxAttempts}
            """, cancellationToken);
        metrics.Moved(Failed, abandoned);
        var claimed = await db.Database.SqlQuery<long>(
            $"""
            WITH due AS (
                SELECT id, due_at FROM call_backs
                WHERE status = {Scheduled} AND due_at <= {now}
                ORDER BY due_at LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED),
            stale AS (
                SELECT id, due_at FROM call_backs
                WHERE status = {Placing} AND lease_until < {now} AND attempts < {maxAttempts}
                ORDER BY due_at LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED),
            picked AS (
                SELECT id FROM (SELECT id, due_at FROM due UNION ALL SELECT id, due_at FROM stale) AS candidates
                ORDER BY due_at LIMIT {batchSize})
            UPDATE call_backs SET status = {Placing}, lease_until = {leaseUntil}, attempts = attempts + 1, updated_at = {now}
            WHERE id IN (SELECT id FROM picked)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        metrics.Moved(Placing, claimed.Count);
        return claimed;
    }

    /// <summary>The call was placed as <paramref name="callSid"/>; false when the claim no longer holds.</summary>
    public Task<bool> PlacedAsync(long id, DateTimeOffset leaseUntil, string callSid, DateTimeOffset now, CancellationToken cancellationToken) =>
        MoveAsync(Placed, db.Database.ExecuteSqlAsync(
            $"""
            UPDATE call_backs SET status = {Placed}, provider_id = {callSid}, calls = calls + 1, placed_at = {now}, call_status = NULL,
                lease_until = NULL, last_error = NULL, updated_at = {now}
            WHERE id = {id} AND status = {Placing} AND lease_until = {leaseUntil}
            """, cancellationToken));

    /// <summary>Not placed this time: due again at <paramref name="dueAt"/> (quiet hours: the claim not counted), or failed or skipped for good (<paramref name="dueAt"/> null).</summary>
    public Task<bool> NotPlacedAsync(long id, DateTimeOffset leaseUntil, string status, DateTimeOffset? dueAt, bool countAttempt, string? error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var uncount = countAttempt ? 0 : 1;
        var clipped = error is null ? null : SafeText.Clean(error, 500);
        return MoveAsync(status, db.Database.ExecuteSqlAsync(
            $"""
            UPDATE call_backs SET status = {status}, due_at = COALESCE({dueAt}, due_at), attempts = attempts - {uncount},
                last_error = COALESCE({clipped}, last_error), lease_until = NULL, updated_at = {now}
            WHERE id = {id} AND status = {Placing} AND lease_until = {leaseUntil}
            """, cancellationToken));
    }

    /// <summary>
    /// Twilio's word on the call placed as <paramref name="callSid"/> for call-back <paramref name="id"/>: answered
    /// (completed); else retried once after Voice:CallMeBackRetryAfter, then failed. Only a placed row moves, so a
    /// late or repeated callback changes nothing. Returns the status reached, or null.
    /// </summary>
    public async Task<string?> AdvanceAsync(long id, string callSid, string callStatus, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var status = SafeText.Clean(callStatus, 16);
        string next;
        if (callStatus == "completed")
        {
            next = Answered;
        }
        else if (callStatus is "busy" or "no-answer" or "failed" or "canceled")
        {
            next = (await db.CallBacks.AsNoTracking().Where(c => c.Id == id).Select(c => (int?)c.Calls).FirstOrDefaultAsync(cancellationToken)) < CallBackOptions.MaxCalls
                ? Scheduled : Failed;
        }
        else
        {
            return null; // queued, ringing, in-progress: nothing to move
        }
        DateTimeOffset? retryAt = next == Scheduled ? now + options.Value.CallMeBackRetryAfter : null;
        var moved = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE call_backs SET status = {next}, call_status = {status}, updated_at = {now}, due_at = COALESCE({retryAt}, due_at)
            WHERE id = {id} AND provider_id = {callSid} AND status = {Placed}
            """, cancellationToken);
        metrics.Moved(next, moved);
        return moved > 0 ? next : null;
    }

    private async Task<bool> MoveAsync(string status, Task<int> statement)
    {
        var moved = await statement;
        metrics.Moved(status, moved);
        return moved > 0;
    }
}

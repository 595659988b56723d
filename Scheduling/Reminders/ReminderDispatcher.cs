using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Sends due reminders: claims a batch (<see cref="ReminderClaims"/>), sends each on its channels
/// (<see cref="ReminderDelivery"/>) and saves their outcomes a few at a time, one statement for up to
/// <see cref="SaveEvery"/> of them and never later than <see cref="SaveWithin"/> after the first of them was sent
/// (<see cref="ReminderTransitions.RecordOutcomesAsync"/>), so a crash re-sends at most those and the one in flight.
/// An instance that is stopping finishes the reminder it is sending, saves, and hands the rest of its batch back at once.
/// </summary>
public sealed partial class ReminderDispatcher(
    FeedbackDbContext db,
    ReminderClaims claims,
    ReminderDelivery delivery,
    TimeProvider clock,
    IOptions<ReminderOptions> options,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    ReminderTransitions transitions,
    IPatientCopies patientCopies,
    ReminderWording wording,
    ILogger<ReminderDispatcher> logger) : IInvocable
{
    private readonly QuietHours _quietHours = QuietHours.Of(options.Value);

    /// <summary>Outcomes saved in one statement at most: a round trip per reminder was half of the dispatcher's waiting.</summary>
    public const int SaveEvery = 25;

    /// <summary>How long a sent reminder's outcome may wait for others to be saved with it (with a slow provider: one send at most).</summary>
    public static readonly TimeSpan SaveWithin = TimeSpan.FromMilliseconds(100);

    public async Task Invoke()
    {
        // Sends wait on the provider, so several claimers run at once, each with its own DbContext;
        // SKIP LOCKED keeps their batches apart exactly as it does across server instances.
        var others = Enumerable.Range(1, options.Value.Parallelism - 1).Select(async _ =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().DrainAsync();
            }
            catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // The host went away while stopping; a claimer stops before it claims, and a claim it held runs out.
            }
        });
        await Task.WhenAll([DrainAsync(), .. others]);
    }

    private async Task DrainAsync()
    {
        while (!lifetime.ApplicationStopping.IsCancellationRequested
            && await DispatchBatchAsync(CancellationToken.None) == options.Value.BatchSize)
        {
        }
    }

    /// <summary>Claims and sends one batch; returns how many rows it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return 0;
        }
        var now = clock.GetUtcNow();
        var (claimed, leaseUntil) = await claims.ClaimAsync(now, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }
        // One connection for the batch: its statements are prepared once.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // The whole batch in one query (EF decrypts the patient data); outcomes are saved a few at a time as they come.
            // Sent in the order they fell due (RETURNING keeps no order).
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var outcomes = new ReminderOutcomeWriter(connection);
            await using var eligibility = new ReminderEligibility(connection);
            List<Reminder> batch;
            try
            {
                batch = await Due(claimed).ToListAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // One row that will not load (a value that will not decrypt) must not hold back the others.
                batch = await LoadEachAsync(claimed, now, leaseUntil, outcomes, cancellationToken);
            }
            var order = batch.ConvertAll(r => r.Id);
            var reminders = batch.ToDictionary(r => r.Id); // the rows still ours
            var sent = 0;
            var unsaved = new Unsaved();
            for (var i = 0; i < order.Count; i++)
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    await SaveAsync(unsaved, outcomes, leaseUntil);
                    await claims.ReleaseAsync(order.Skip(i).ToArray(), leaseUntil);
                    break;
                }
                // A slow provider can make a batch outlast its lease: renew it (for the rest of the batch at
                // once) before a send that might not end within what is left of it. A row another dispatcher
                // took over meanwhile is no longer in the batch. The outcomes waiting are saved first, under the lease they hold.
                if (reminders.TryGetValue(order[i], out var reminder) && leaseUntil - clock.GetUtcNow() < ReminderClaims.SendBudget(reminder))
                {
                    await SaveAsync(unsaved, outcomes, leaseUntil);
                    leaseUntil = await claims.RenewAsync(order.Skip(i).Where(reminders.ContainsKey).ToArray(), leaseUntil, reminders, ReminderClaims.SendBudget(reminder), cancellationToken);
                }
                if (reminder is null || !reminders.ContainsKey(order[i]))
                {
                    LogTakenOver(logger, order[i]);
                    continue;
                }
                // Once begun, a send is finished even while stopping: cut short, it could go out unrecorded and twice.
                // One reminder's failure is its own: logged, the row failed, and the batch goes on.
                var optedOut = false;
                try
                {
                    optedOut = await SendAsync(reminder, now, eligibility, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Fail(reminder, exception);
                }
                sent += reminder.Status == ReminderStatus.Sent ? 1 : 0;
                if (reminder.Reason == ReminderEligibility.Gone)
                {
                    continue; // its row went with its appointment: nothing to save (it would read as taken over)
                }
                if (unsaved.Add(reminder, optedOut, clock) >= SaveEvery || unsaved.Waited(clock) >= SaveWithin)
                {
                    await SaveAsync(unsaved, outcomes, leaseUntil);
                }
            }
            await SaveAsync(unsaved, outcomes, leaseUntil);
            LogBatch(logger, sent, order.Count);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return claimed.Count;
    }

    private IQueryable<Reminder> Due(IReadOnlyCollection<long> ids) =>
        db.Reminders.AsNoTracking().Include(r => r.Patient).Include(r => r.Appointment).Where(r => ids.Contains(r.Id)).OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id);

    /// <summary>The batch row by row, after it would not load at once: each row that cannot be read is failed (<c>unreadable</c>) and logged.</summary>
    private async Task<List<Reminder>> LoadEachAsync(List<long> claimed, DateTimeOffset now, DateTimeOffset leaseUntil, ReminderOutcomeWriter outcomes, CancellationToken cancellationToken)
    {
        var batch = new List<Reminder>(claimed.Count);
        foreach (var id in claimed)
        {
            try
            {
                batch.AddRange(await Due([id]).ToListAsync(cancellationToken));
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnreadable(logger, exception, id, exception.GetType().Name);
                // Only its plain columns: the outcome writer never touches the encrypted ones.
                var row = await db.Reminders.AsNoTracking().Where(r => r.Id == id)
                    .Select(r => new { r.Attempts, r.ScheduledTime, r.Language }).SingleAsync(cancellationToken);
                var reminder = new Reminder
                {
                    Id = id, Message = "", Language = row.Language, Status = ReminderStatus.Failed, Reason = "unreadable",
                    Attempts = row.Attempts, ScheduledTime = row.ScheduledTime, UpdatedAt = now,
                    LastError = $"The row could not be read ({exception.GetType().Name}; see the server log, event 5014).",
                };
                await transitions.RecordOutcomesAsync(outcomes, [reminder], leaseUntil, cancellationToken);
            }
        }
        return [.. batch.OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id)];
    }

    /// <summary>Sends (or skips, or defers) one reminder and sets what became of it on the row; true when Twilio said the patient unsubscribed.</summary>
    private async Task<bool> SendAsync(Reminder reminder, DateTimeOffset now, ReminderEligibility eligibility, CancellationToken cancellationToken)
    {
        reminder.UpdatedAt = now;
        var optedOut = false;
        if (reminder.Patient.OptedOutAt is not null)
        {
            ReminderDelivery.Finish(reminder, ReminderStatus.Skipped, "opted_out");
        }
        else if (await eligibility.WhyNotAsync(reminder, cancellationToken) is { } why)
        {
            // Its visit changed after the claim (marked no_show, cancelled…, or deleted with this row): dropped, no provider call.
            ReminderDelivery.Finish(reminder, ReminderStatus.Skipped, why);
            if (why == ReminderEligibility.Gone)
            {
                LogGone(logger, reminder.Id);
            }
            else
            {
                LogDropped(logger, reminder.Id, why);
            }
        }
        else if (!reminder.Urgent && _quietHours.NextAllowed(now) is var allowed && allowed > now)
        {
            // Quiet hours: not an attempt, just later.
            reminder.Status = ReminderStatus.Scheduled;
            reminder.ScheduledTime = allowed;
            reminder.Attempts--;
            LogDeferred(logger, reminder.Id, allowed);
        }
        else
        {
            // A template goes in the patient's language of today, an appointment's with its time of today.
            wording.Refresh(reminder);
            optedOut = await delivery.DeliverAsync(reminder, now, cancellationToken);
        }
        if (optedOut)
        {
            await db.Patients.Where(p => p.Id == reminder.PatientId && p.OptedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.OptedOutAt, now), cancellationToken);
        }
        ReminderTransitions.EnsureOutcome(reminder);
        return optedOut;
    }

    /// <summary>A reminder whose handling threw: failed, unless its send had an outcome already, which is saved as it is.</summary>
    private void Fail(Reminder reminder, Exception exception)
    {
        LogSendThrew(logger, exception, reminder.Id, exception.GetType().Name);
        if (!ReminderTransitions.Allows(ReminderMove.Outcome, ReminderStatus.Sending, reminder.Status))
        {
            ReminderDelivery.Finish(reminder, ReminderStatus.Failed, "error");
            reminder.LastError = $"{exception.GetType().Name} while sending (see the server log, event 5011).";
        }
    }

    /// <summary>
    /// Saves the outcomes waiting, in one statement (should it fail, the rows keep their lease, and the claim's attempt
    /// limit ends them). Then the patients whose next 1 or 2 answers a reminder just sent (or who opted
    /// out) have their conversation copy dropped, so that conversations read them afresh.
    /// </summary>
    private async Task SaveAsync(Unsaved unsaved, ReminderOutcomeWriter outcomes, DateTimeOffset leaseUntil)
    {
        if (unsaved.Reminders.Count == 0)
        {
            return;
        }
        HashSet<long> saved;
        try
        {
            saved = await transitions.RecordOutcomesAsync(outcomes, unsaved.Reminders, leaseUntil, CancellationToken.None);
        }
        catch (Exception exception)
        {
            foreach (var reminder in unsaved.Reminders)
            {
                LogOutcomeNotSaved(logger, exception, reminder.Id);
            }
            unsaved.Clear();
            return;
        }
        foreach (var reminder in unsaved.Reminders)
        {
            if (!saved.Contains(reminder.Id))
            {
                // The lease ran out during the send and another dispatcher took the row over: its outcome stands.
                LogTakenOverAfterSend(logger, reminder.Id, reminder.Status);
            }
            else if (unsaved.OptedOut.Contains(reminder.Id) || (reminder.Confirm && reminder.Status == ReminderStatus.Sent))
            {
                await ForgetCopyAsync(reminder);
            }
        }
        unsaved.Clear();
    }

    /// <summary>
    /// Best effort: the send is saved already, and the rest of the batch must not wait on Redis. A copy
    /// left behind is trusted for minutes at most, and never for a 1 or 2 (conversations ask PostgreSQL then).
    /// </summary>
    private async Task ForgetCopyAsync(Reminder reminder)
    {
        try
        {
            await patientCopies.ChangedAsync(reminder.Patient.PhoneHash);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCopyNotDropped(logger, reminder.Id, exception.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "Reminder {ReminderId} failed: its handling threw {Error}; the rest of the batch goes on")]
    private static partial void LogSendThrew(ILogger logger, Exception exception, long reminderId, string error);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Error, Message = "Reminder {ReminderId}: its outcome could not be saved; it is retried when its lease runs out, up to Reminders:MaxAttempts")]
    private static partial void LogOutcomeNotSaved(ILogger logger, Exception exception, long reminderId);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "Reminder {ReminderId} could not be read ({Error}): failed as unreadable; the rest of the batch goes on")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, long reminderId, string error);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "{Sent} of {Claimed} claimed reminders sent")]
    private static partial void LogBatch(ILogger logger, int sent, int claimed);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "Reminder {ReminderId} not sent: {Reason} (its appointment changed after it was claimed)")]
    private static partial void LogDropped(ILogger logger, long reminderId, string reason);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Information, Message = "Reminder {ReminderId} not sent: its appointment is gone (deleted after the claim, and this reminder's row with it)")]
    private static partial void LogGone(ILogger logger, long reminderId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Reminder {ReminderId} deferred to {At} (quiet hours)")]
    private static partial void LogDeferred(ILogger logger, long reminderId, DateTimeOffset at);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent by this dispatcher: its lease ran out and another took it over")]
    private static partial void LogTakenOver(ILogger logger, long reminderId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Reminder {ReminderId} handled ({Status}) after its lease ran out: another dispatcher took it over, and its outcome stands")]
    private static partial void LogTakenOverAfterSend(ILogger logger, long reminderId, string status);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Reminder {ReminderId}: the patient's conversation copy could not be dropped ({Error}); it is trusted for minutes at most")]
    private static partial void LogCopyNotDropped(ILogger logger, long reminderId, string error);
}

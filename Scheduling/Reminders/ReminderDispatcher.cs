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
/// (<see cref="ReminderDelivery"/>) and saves each in one statement as soon as it is sent
/// (<see cref="ReminderTransitions.RecordOutcomeAsync"/>), so a crash re-sends at most the reminders in flight. An instance
/// that is stopping finishes the reminder it is sending and hands the rest of its batch back at once.
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
            // The whole batch in one query (EF decrypts the patient data); each reminder is still saved as soon as it is sent.
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
            for (var i = 0; i < order.Count; i++)
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    await claims.ReleaseAsync(order.Skip(i).ToArray(), leaseUntil);
                    break;
                }
                // A slow provider can make a batch outlast its lease: renew it (for the rest of the batch at
                // once) before a send that might not end within what is left of it. A row another dispatcher
                // took over meanwhile is no longer in the batch.
                if (reminders.TryGetValue(order[i], out var reminder) && leaseUntil - clock.GetUtcNow() < ReminderClaims.SendBudget(reminder))
                {
                    leaseUntil = await claims.RenewAsync(order.Skip(i).Where(reminders.ContainsKey).ToArray(), leaseUntil, reminders, ReminderClaims.SendBudget(reminder), cancellationToken);
                }
                if (reminder is null || !reminders.ContainsKey(order[i]))
                {
                    LogTakenOver(logger, order[i]);
                    continue;
                }
                // Once begun, a send is finished even while stopping: cut short, it could go out unrecorded and twice.
                // One reminder's failure is its own: logged, the row failed, and the batch goes on.
                try
                {
                    await SendAsync(reminder, now, leaseUntil, outcomes, eligibility, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    await FailAsync(reminder, leaseUntil, outcomes, exception);
                }
                sent += reminder.Status == ReminderStatus.Sent ? 1 : 0;
            }
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
                await transitions.RecordOutcomeAsync(outcomes, reminder, leaseUntil, cancellationToken);
            }
        }
        return [.. batch.OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id)];
    }

    private async Task SendAsync(
        Reminder reminder, DateTimeOffset now, DateTimeOffset leaseUntil, ReminderOutcomeWriter outcomes, ReminderEligibility eligibility, CancellationToken cancellationToken)
    {
        reminder.UpdatedAt = now;
        var optedOut = false;
        if (reminder.Patient.OptedOutAt is not null)
        {
            ReminderDelivery.Finish(reminder, ReminderStatus.Skipped, "opted_out");
        }
        else if (await eligibility.WhyNotAsync(reminder, cancellationToken) is { } why)
        {
            // Its visit changed after the claim (marked no_show, cancelled…): dropped, no provider call.
            ReminderDelivery.Finish(reminder, ReminderStatus.Skipped, why);
            LogDropped(logger, reminder.Id, why);
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
        if (await transitions.RecordOutcomeAsync(outcomes, reminder, leaseUntil, cancellationToken))
        {
            // The patient's next 1 or 2 answers this reminder (or they opted out): conversations must read them afresh.
            if (optedOut || (reminder.Confirm && reminder.Status == ReminderStatus.Sent))
            {
                await ForgetCopyAsync(reminder);
            }
        }
        else
        {
            // The lease ran out during the send and another dispatcher took the row over: its outcome stands.
            LogTakenOverAfterSend(logger, reminder.Id, reminder.Status);
        }
    }

    /// <summary>
    /// A reminder whose handling threw: failed (unless its send had an outcome already, which is saved as
    /// it is). Should even that fail, the row keeps its lease, and the claim's attempt limit ends it.
    /// </summary>
    private async Task FailAsync(Reminder reminder, DateTimeOffset leaseUntil, ReminderOutcomeWriter outcomes, Exception exception)
    {
        LogSendThrew(logger, exception, reminder.Id, exception.GetType().Name);
        if (reminder.Status == ReminderStatus.Sending)
        {
            ReminderDelivery.Finish(reminder, ReminderStatus.Failed, "error");
            reminder.LastError = $"{exception.GetType().Name} while sending (see the server log, event 5011).";
        }
        try
        {
            await transitions.RecordOutcomeAsync(outcomes, reminder, leaseUntil, CancellationToken.None);
        }
        catch (Exception again)
        {
            LogOutcomeNotSaved(logger, again, reminder.Id);
        }
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

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Reminder {ReminderId} deferred to {At} (quiet hours)")]
    private static partial void LogDeferred(ILogger logger, long reminderId, DateTimeOffset at);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent by this dispatcher: its lease ran out and another took it over")]
    private static partial void LogTakenOver(ILogger logger, long reminderId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Reminder {ReminderId} handled ({Status}) after its lease ran out: another dispatcher took it over, and its outcome stands")]
    private static partial void LogTakenOverAfterSend(ILogger logger, long reminderId, string status);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Reminder {ReminderId}: the patient's conversation copy could not be dropped ({Error}); it is trusted for minutes at most")]
    private static partial void LogCopyNotDropped(ILogger logger, long reminderId, string error);
}

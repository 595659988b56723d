using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Sends due reminders. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so any number
/// of dispatchers (threads or server instances) share the work and none sends a reminder twice; a
/// claim left by a dead instance is taken over once its lease has passed. An instance that is stopping
/// finishes the reminder it is sending and hands the rest of its batch back at once.
/// </summary>
public sealed partial class ReminderDispatcher(
    FeedbackDbContext db,
    TwilioMessagingClient messaging,
    IEmailSender email,
    IOptions<EmailOptions> emailOptions,
    PatientTexts texts,
    TimeProvider clock,
    IOptions<TwilioOptions> twilio,
    IOptions<ReminderOptions> options,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    SchedulingMetrics metrics,
    ILogger<ReminderDispatcher> logger) : IInvocable
{
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
        var leaseUntil = Microseconds(now + options.Value.Lease);
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
        // The whole batch in one query; each reminder is still saved as soon as it is sent.
        var reminders = await db.Reminders.Include(r => r.Patient).Where(r => claimed.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        for (var i = 0; i < claimed.Count; i++)
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await ReleaseAsync(claimed.Skip(i).ToArray(), leaseUntil);
                break;
            }
            // Once begun, a send is finished even while stopping: cut short, it could go out unrecorded and twice.
            await SendAsync(reminders[claimed[i]], now, leaseUntil, cancellationToken);
        }
        db.ChangeTracker.Clear();
        return claimed.Count;
    }

    /// <summary>Gives claimed but unsent rows back (no lease, the attempt not counted), so another instance sends them now.</summary>
    private async Task ReleaseAsync(long[] ids, DateTimeOffset leaseUntil)
    {
        var now = clock.GetUtcNow();
        var released = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE reminders SET status = {ReminderStatus.Scheduled}, lease_until = NULL, attempts = attempts - 1, updated_at = {now}
            WHERE id = ANY({ids}) AND status = {ReminderStatus.Sending} AND lease_until = {leaseUntil}
            """, CancellationToken.None);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, released);
        LogReleased(logger, released);
    }

    private async Task SendAsync(Reminder reminder, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        // A slow provider can make a batch outlast its lease: renew it just before sending, and only if no
        // other dispatcher took the row over meanwhile (its claim wrote a later lease_until).
        var renewed = await db.Reminders
            .Where(r => r.Id == reminder.Id && r.Status == ReminderStatus.Sending && r.LeaseUntil == leaseUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, Microseconds(clock.GetUtcNow() + options.Value.Lease)), cancellationToken);
        if (renewed == 0)
        {
            LogTakenOver(logger, reminder.Id);
            return;
        }
        reminder.LeaseUntil = null;
        reminder.UpdatedAt = now;
        if (reminder.Patient.OptedOutAt is not null)
        {
            Finish(reminder, ReminderStatus.Skipped, "opted_out");
        }
        else if (!reminder.Urgent && options.Value.NextAllowed(now) is var allowed && allowed > now)
        {
            // Quiet hours: not an attempt, just later.
            reminder.Status = ReminderStatus.Scheduled;
            reminder.ScheduledTime = allowed;
            reminder.Attempts--;
            LogDeferred(logger, reminder.Id, allowed);
        }
        else
        {
            await DeliverAsync(reminder, now, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        metrics.ReminderTransitions(reminder.Status);
    }

    private async Task DeliverAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? lastError = null;
        var transient = false;
        foreach (var channel in reminder.Channels)
        {
            var address = channel == "email" ? reminder.Email : reminder.PhoneNumber;
            if (address is null || (channel == "voice" && options.Value.PublicBaseUrl is null))
            {
                Attempt(reminder, channel, "failed", null, address is null ? $"No address for {channel}." : "Voice reminders need PUBLIC_BASE_URL.", now);
                continue;
            }
            if (channel == "email" ? emailOptions.Value.DryRun : twilio.Value.DryRun)
            {
                Attempt(reminder, channel, "dry_run", null, null, now);
                Finish(reminder, ReminderStatus.Sent, null);
                reminder.SentAt = now;
                LogDryRun(logger, reminder.Id, channel);
                return;
            }
            var result = channel switch
            {
                "email" => await SendEmailAsync(reminder, address, cancellationToken),
                "voice" => await messaging.PlaceCallAsync(address, $"{options.Value.PublicBaseUrl}/twilio/voice/reminder?id={reminder.Id}",
                    $"{options.Value.PublicBaseUrl}/twilio/status/call", cancellationToken),
                _ => await messaging.SendAsync(channel == "whatsapp" ? "whatsapp:" + address : address, reminder.Message, options.Value.StatusCallbackUrl, cancellationToken),
            };
            if (result.Succeeded)
            {
                Attempt(reminder, channel, "sent", result.Sid, null, now);
                Finish(reminder, ReminderStatus.Sent, null);
                reminder.ProviderId = result.Sid;
                reminder.SentAt = now;
                LogSent(logger, reminder.Id, channel, result.Sid!);
                return;
            }
            Attempt(reminder, channel, "failed", null, result.Error, now);
            metrics.ProviderError(
                channel == "email" ? SchedulingMetrics.EmailProvider(emailOptions.Value) : "twilio",
                result.ErrorCode == TwilioMessagingClient.Unsubscribed ? "unsubscribed" : result.Permanent ? "permanent" : "transient");
            lastError = $"{result.ErrorCode}: {result.Error}";
            if (result.ErrorCode == TwilioMessagingClient.Unsubscribed)
            {
                reminder.Patient.OptedOutAt ??= now;
                Finish(reminder, ReminderStatus.Skipped, "opted_out");
                return;
            }
            if (!result.Permanent)
            {
                transient = true;
                break; // the same channel again later, not a weaker one now
            }
        }
        reminder.LastError = Clip(lastError);
        if (transient && reminder.Attempts < options.Value.MaxAttempts)
        {
            reminder.Status = ReminderStatus.Scheduled;
            reminder.ScheduledTime = now + TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, reminder.Attempts - 1)));
            LogRetry(logger, reminder.Id, reminder.Attempts, reminder.ScheduledTime);
        }
        else
        {
            Finish(reminder, ReminderStatus.Failed, transient ? "gave_up" : "permanent_error");
            LogFailed(logger, reminder.Id, reminder.LastError ?? "");
        }
    }

    private async Task<SendResult> SendEmailAsync(Reminder reminder, string address, CancellationToken cancellationToken)
    {
        var language = Languages.FromCode(reminder.Language) ?? Language.French;
        var sent = await email.SendAsync(address, texts.Get(MessageKeys.ReminderEmailSubject, language), reminder.Message, cancellationToken);
        return new SendResult(sent.MessageId, sent.Permanent, null, sent.Error);
    }

    private static void Finish(Reminder reminder, string status, string? reason)
    {
        reminder.Status = status;
        reminder.Reason = reason;
    }

    private static void Attempt(Reminder reminder, string channel, string outcome, string? providerId, string? error, DateTimeOffset now) =>
        reminder.DeliveryAttempts.Add(new DeliveryAttempt { Channel = channel, Outcome = outcome, ProviderId = providerId, Error = Clip(error), AttemptedAt = now });

    /// <summary>PostgreSQL keeps microseconds: a lease written and compared must be one it can hold exactly.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    private static string? Clip(string? text) => text is { Length: > 500 } ? text[..500] : text;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Reminder {ReminderId} sent by {Channel} ({ProviderId})")]
    private static partial void LogSent(ILogger logger, long reminderId, string channel, string providerId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "DRY-RUN: reminder {ReminderId} recorded for {Channel}, not sent")]
    private static partial void LogDryRun(ILogger logger, long reminderId, string channel);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Reminder {ReminderId} deferred to {At} (quiet hours)")]
    private static partial void LogDeferred(ILogger logger, long reminderId, DateTimeOffset at);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent (attempt {Attempt}); again at {At}")]
    private static partial void LogRetry(ILogger logger, long reminderId, int attempt, DateTimeOffset at);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent by this dispatcher: its lease ran out and another took it over")]
    private static partial void LogTakenOver(ILogger logger, long reminderId);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Stopping: {Count} claimed reminders handed back for another instance")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Reminder {ReminderId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, long reminderId, string error);
}

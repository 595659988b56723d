using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Sends due reminders. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so any number
/// of dispatchers (threads or server instances) share the work and none sends a reminder twice; a
/// claim left by a dead instance is taken over once its lease has passed, and a batch renews its lease
/// before a send could outlast it. Each reminder is saved in one statement as soon as it is sent, so a
/// crash re-sends at most the reminders in flight. An instance that is stopping finishes the reminder it
/// is sending and hands the rest of its batch back at once.
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
    IPatientCopies patientCopies,
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
            var batch = await db.Reminders.AsNoTracking().Include(r => r.Patient).Where(r => claimed.Contains(r.Id))
                .OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id).ToListAsync(cancellationToken);
            var order = batch.ConvertAll(r => r.Id);
            var reminders = batch.ToDictionary(r => r.Id); // the rows still ours
            var sent = 0;
            await using var outcomes = new OutcomeWriter((NpgsqlConnection)db.Database.GetDbConnection());
            for (var i = 0; i < order.Count; i++)
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    await ReleaseAsync(order.Skip(i).ToArray(), leaseUntil);
                    break;
                }
                // A slow provider can make a batch outlast its lease: renew it (for the rest of the batch at
                // once) before a send that might not end within what is left of it. A row another dispatcher
                // took over meanwhile is no longer in the batch.
                if (reminders.TryGetValue(order[i], out var reminder) && leaseUntil - clock.GetUtcNow() < SendBudget(reminder))
                {
                    leaseUntil = await RenewAsync(order.Skip(i).Where(reminders.ContainsKey).ToArray(), leaseUntil, reminders, SendBudget(reminder), cancellationToken);
                }
                if (reminder is null || !reminders.ContainsKey(order[i]))
                {
                    LogTakenOver(logger, order[i]);
                    continue;
                }
                // Once begun, a send is finished even while stopping: cut short, it could go out unrecorded and twice.
                await SendAsync(reminder, now, leaseUntil, outcomes, cancellationToken);
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

    /// <summary>
    /// How long a reminder may keep this dispatcher busy: each channel one bounded send, then the save
    /// (the margin also covers clocks a little apart between instances).
    /// </summary>
    private static TimeSpan SendBudget(Reminder reminder) =>
        ProviderResilience.SendTimeout * Math.Max(1, reminder.Channels.Count) + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extends the lease of the batch's unsent rows that are still ours (no other dispatcher took them
    /// over: its claim wrote a later lease_until); the others are dropped from the batch.
    /// </summary>
    private async Task<DateTimeOffset> RenewAsync(long[] ids, DateTimeOffset leaseUntil, Dictionary<long, Reminder> reminders, TimeSpan budget, CancellationToken cancellationToken)
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

    private async Task SendAsync(Reminder reminder, DateTimeOffset now, DateTimeOffset leaseUntil, OutcomeWriter outcomes, CancellationToken cancellationToken)
    {
        reminder.UpdatedAt = now;
        var optedOut = false;
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
            optedOut = await DeliverAsync(reminder, now, cancellationToken);
        }
        if (optedOut)
        {
            await db.Patients.Where(p => p.Id == reminder.PatientId && p.OptedOutAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.OptedOutAt, now), cancellationToken);
        }
        if (await outcomes.SaveAsync(reminder, leaseUntil, cancellationToken))
        {
            metrics.ReminderTransitions(reminder.Status);
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

    /// <summary>Tries the reminder's channels in order; true when Twilio says the patient unsubscribed.</summary>
    private async Task<bool> DeliverAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
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
                return false;
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
                return false;
            }
            Attempt(reminder, channel, "failed", null, result.Error, now);
            metrics.ProviderError(
                channel == "email" ? SchedulingMetrics.EmailProvider(emailOptions.Value) : "twilio",
                result.ErrorCode == TwilioMessagingClient.Unsubscribed ? "unsubscribed" : result.Permanent ? "permanent" : "transient");
            lastError = $"{result.ErrorCode}: {result.Error}";
            if (result.ErrorCode == TwilioMessagingClient.Unsubscribed)
            {
                Finish(reminder, ReminderStatus.Skipped, "opted_out");
                return true;
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
        return false;
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

    /// <summary>
    /// Saves what became of one reminder in one round trip, a statement prepared once per batch: its row
    /// (only while this dispatcher's lease holds) and its delivery attempts (always: they happened). The
    /// encrypted columns (message, phone, email) are not written here, so nothing bypasses their cipher.
    /// </summary>
    private sealed class OutcomeWriter(NpgsqlConnection connection) : IAsyncDisposable
    {
        private readonly NpgsqlCommand _command = new(
            $"""
            WITH attempt AS (
                INSERT INTO delivery_attempts (reminder_id, channel, outcome, provider_id, error, attempted_at)
                SELECT $1, a.channel, a.outcome, a.provider_id, a.error, $14
                FROM unnest($2, $3, $4, $5) AS a(channel, outcome, provider_id, error))
            UPDATE reminders SET status = $6, reason = $7, scheduled_time = $8, attempts = $9, lease_until = NULL,
                provider_id = $10, sent_at = $11, last_error = $12, updated_at = $14
            WHERE id = $1 AND status = '{ReminderStatus.Sending}' AND lease_until = $13
            """, connection)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Bigint },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { NpgsqlDbType = NpgsqlDbType.Integer },
                new() { NpgsqlDbType = NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { NpgsqlDbType = NpgsqlDbType.Text },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };

        private bool _prepared;

        /// <summary>False when the row was no longer this dispatcher's (taken over after its lease ran out).</summary>
        public async Task<bool> SaveAsync(Reminder reminder, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
        {
            if (!_prepared)
            {
                await _command.PrepareAsync(cancellationToken);
                _prepared = true;
            }
            var attempts = reminder.DeliveryAttempts;
            var parameters = _command.Parameters;
            parameters[0].Value = reminder.Id;
            parameters[1].Value = attempts.ConvertAll(a => a.Channel);
            parameters[2].Value = attempts.ConvertAll(a => a.Outcome);
            parameters[3].Value = attempts.ConvertAll(a => a.ProviderId);
            parameters[4].Value = attempts.ConvertAll(a => a.Error);
            parameters[5].Value = reminder.Status;
            parameters[6].Value = (object?)reminder.Reason ?? DBNull.Value;
            parameters[7].Value = reminder.ScheduledTime;
            parameters[8].Value = reminder.Attempts;
            parameters[9].Value = (object?)reminder.ProviderId ?? DBNull.Value;
            parameters[10].Value = (object?)reminder.SentAt ?? DBNull.Value;
            parameters[11].Value = (object?)reminder.LastError ?? DBNull.Value;
            parameters[12].Value = leaseUntil;
            parameters[13].Value = reminder.UpdatedAt;
            return await _command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    // Per reminder at Debug: at a thousand a second the lines cost more than the sends (the database keeps each attempt).
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Reminder {ReminderId} sent by {Channel} ({ProviderId})")]
    private static partial void LogSent(ILogger logger, long reminderId, string channel, string providerId);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "{Sent} of {Claimed} claimed reminders sent")]
    private static partial void LogBatch(ILogger logger, int sent, int claimed);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "DRY-RUN: reminder {ReminderId} recorded for {Channel}, not sent")]
    private static partial void LogDryRun(ILogger logger, long reminderId, string channel);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Reminder {ReminderId} deferred to {At} (quiet hours)")]
    private static partial void LogDeferred(ILogger logger, long reminderId, DateTimeOffset at);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent (attempt {Attempt}); again at {At}")]
    private static partial void LogRetry(ILogger logger, long reminderId, int attempt, DateTimeOffset at);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent by this dispatcher: its lease ran out and another took it over")]
    private static partial void LogTakenOver(ILogger logger, long reminderId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Reminder {ReminderId} handled ({Status}) after its lease ran out: another dispatcher took it over, and its outcome stands")]
    private static partial void LogTakenOverAfterSend(ILogger logger, long reminderId, string status);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Stopping: {Count} claimed reminders handed back for another instance")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Reminder {ReminderId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, long reminderId, string error);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Reminder {ReminderId}: the patient's conversation copy could not be dropped ({Error}); it is trusted for minutes at most")]
    private static partial void LogCopyNotDropped(ILogger logger, long reminderId, string error);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Channel routing: tries a reminder's channels in order (which address, dry-run or not, Twilio or the
/// email sender) and writes what became of it on the reminder, for the outcome writer to save.
/// </summary>
public sealed partial class ReminderDelivery(
    TwilioMessagingClient messaging,
    IEmailSender email,
    IOptions<EmailOptions> emailOptions,
    PatientTexts texts,
    IOptions<TwilioOptions> twilio,
    IOptions<ReminderOptions> options,
    SchedulingMetrics metrics,
    ILogger<ReminderDelivery> logger)
{
    /// <summary>Tries the reminder's channels in order; true when Twilio says the patient unsubscribed.</summary>
    public async Task<bool> DeliverAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? lastError = null;
        var transient = false;
        foreach (var name in reminder.Channels)
        {
            // Rows hold the names the API accepts; any other went out as SMS before channels had a type, and still does.
            var channel = ReminderChannels.FromName(name) ?? ReminderChannel.Sms;
            var address = channel.UsesPhone() ? reminder.PhoneNumber : reminder.Email;
            if (address is null || (channel == ReminderChannel.Voice && options.Value.PublicBaseUrl is null))
            {
                Attempt(reminder, name, "failed", null, address is null ? $"No address for {name}." : "Voice reminders need PUBLIC_BASE_URL.", now);
                continue;
            }
            if (channel == ReminderChannel.Email ? emailOptions.Value.DryRun : twilio.Value.DryRun)
            {
                Attempt(reminder, name, "dry_run", null, null, now);
                Finish(reminder, ReminderStatus.Sent, null);
                reminder.SentAt = now;
                LogDryRun(logger, reminder.Id, name);
                return false;
            }
            var result = channel switch
            {
                ReminderChannel.Email => await SendEmailAsync(reminder, address, cancellationToken),
                ReminderChannel.Voice => await messaging.PlaceCallAsync(address, $"{options.Value.PublicBaseUrl}/twilio/voice/reminder?id={reminder.Id}",
                    $"{options.Value.PublicBaseUrl}/twilio/status/call", cancellationToken),
                ReminderChannel.WhatsApp => await messaging.SendAsync("whatsapp:" + address, reminder.Message, options.Value.StatusCallbackUrl, cancellationToken),
                _ => await messaging.SendAsync(address, reminder.Message, options.Value.StatusCallbackUrl, cancellationToken),
            };
            if (result.Succeeded)
            {
                Attempt(reminder, name, "sent", result.Sid, null, now);
                Finish(reminder, ReminderStatus.Sent, null);
                reminder.ProviderId = result.Sid;
                reminder.SentAt = now;
                LogSent(logger, reminder.Id, name, result.Sid!);
                return false;
            }
            Attempt(reminder, name, "failed", null, result.Error, now);
            metrics.ProviderError(
                channel == ReminderChannel.Email ? SchedulingMetrics.EmailProvider(emailOptions.Value) : "twilio",
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
            reminder.ScheduledTime = now + RetryBackoff.After(reminder.Attempts);
            LogRetry(logger, reminder.Id, reminder.Attempts, reminder.ScheduledTime);
        }
        else
        {
            Finish(reminder, ReminderStatus.Failed, transient ? "gave_up" : "permanent_error");
            LogFailed(logger, reminder.Id, reminder.LastError ?? "");
        }
        return false;
    }

    /// <summary>Where the reminder ends up and why (the outcome writer saves both).</summary>
    public static void Finish(Reminder reminder, string status, string? reason)
    {
        reminder.Status = status;
        reminder.Reason = reason;
    }

    private async Task<SendResult> SendEmailAsync(Reminder reminder, string address, CancellationToken cancellationToken)
    {
        var language = Languages.FromCode(reminder.Language) ?? Language.French;
        var sent = await email.SendAsync(address, texts.Get(MessageKeys.ReminderEmailSubject, language), reminder.Message, cancellationToken);
        return new SendResult(sent.MessageId, sent.Permanent, null, sent.Error);
    }

    private static void Attempt(Reminder reminder, string channel, string outcome, string? providerId, string? error, DateTimeOffset now) =>
        reminder.DeliveryAttempts.Add(new DeliveryAttempt { Channel = channel, Outcome = outcome, ProviderId = providerId, Error = Clip(error), AttemptedAt = now });

    private static string? Clip(string? text) => text is { Length: > 500 } ? text[..500] : text;

    // Per reminder at Debug: at a thousand a second the lines cost more than the sends (the database keeps each attempt).
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Reminder {ReminderId} sent by {Channel} ({ProviderId})")]
    private static partial void LogSent(ILogger logger, long reminderId, string channel, string providerId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "DRY-RUN: reminder {ReminderId} recorded for {Channel}, not sent")]
    private static partial void LogDryRun(ILogger logger, long reminderId, string channel);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Reminder {ReminderId} not sent (attempt {Attempt}); again at {At}")]
    private static partial void LogRetry(ILogger logger, long reminderId, int attempt, DateTimeOffset at);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Reminder {ReminderId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, long reminderId, string error);
}

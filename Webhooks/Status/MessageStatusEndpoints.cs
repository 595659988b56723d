using TwilioFeedback.Scheduling.Reminders;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Persistence;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>Twilio's message status callbacks: they move a reminder on, never back, however they arrive.</summary>
public static class MessageStatusEndpoints
{
    public const string Path = "/twilio/status/message";

    public static RouteGroupBuilder MapMessageStatus(this RouteGroupBuilder twilio)
    {
        HeldWebhooks.HeldWhileDatabaseDown(twilio.MapPost("/status/message", HandleAsync), HeldWebhooks.Message).WithMetadata(WebhookChannel.Status).WithName("TwilioMessageStatus").WithSummary("Message status callback.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        MessageStatusCallback callback, ProviderEvents events, ReminderTransitions reminders, CancellationToken cancellationToken)
    {
        if (callback.Problem is { } problem)
        {
            return problem;
        }
        var (sid, status, errorCode) = (callback.MessageSid, callback.MessageStatus, callback.ErrorCode);
        await events.RecordAsync("message", sid, status, errorCode, cancellationToken);
        var next = status switch
        {
            "sent" => ReminderStatus.Sent,
            "delivered" or "read" => ReminderStatus.Delivered,
            "undelivered" or "failed" => ReminderStatus.Failed,
            _ => null,
        };
        if (next is not null)
        {
            await reminders.AdvanceAsync(sid, next, errorCode, cancellationToken);
        }
        return new TwiMLResult(new MessagingResponse());
    }
}

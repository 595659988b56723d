using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Sms;

/// <summary>Twilio's messaging webhook, for SMS and WhatsApp alike ("A message comes in").</summary>
public static class SmsEndpoints
{
    public static RouteGroupBuilder MapSms(this RouteGroupBuilder twilio)
    {
        Status.HeldWebhooks.HeldWhileDatabaseDown(twilio.MapPost("/sms", HandleAsync), Status.HeldWebhooks.IncomingMessage)
            .WithMetadata(WebhookChannel.Sms)
            .LimitPerPatient("From")
            .WithName("TwilioMessage")
            .WithSummary("Incoming SMS or WhatsApp message; answers TwiML <Message>.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        IncomingMessage message, ConversationRunner runner, PatientTexts texts, CancellationToken cancellationToken)
    {
        if (message.Problem is { } problem)
        {
            return problem;
        }
        // A WhatsApp voice note (or an MMS audio clip) is a spoken comment; the binder checked its URL.
        InboundAudio? audio = null;
        if (message.MediaContentType0.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) && message.MediaUrl0.Length > 0)
        {
            audio = new InboundAudio(message.MessageSid, message.MediaUrl0, message.MediaContentType0);
        }
        var inbound = new Inbound(
            message.IsWhatsApp ? Channel.WhatsApp : Channel.Sms,
            message.From,
            message.To,
            message.Body,
            message.MessageSid,
            Audio: audio);

        var reply = await runner.HandleAsync(inbound, cancellationToken);
        return new TwiMLResult(Render(reply, texts));
    }

    /// <summary>All prompts of a reply in one message; no prompt, no message.</summary>
    public static MessagingResponse Render(Reply reply, PatientTexts texts)
    {
        var response = new MessagingResponse();
        if (!reply.IsEmpty)
        {
            response.Message(string.Join('\n', reply.Prompts.Select(p => ReplyTexts.Of(texts, reply, p, p.Key))));
        }
        return response;
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Sms;

/// <summary>Twilio's messaging webhook, for SMS and WhatsApp alike ("A message comes in").</summary>
public static class SmsEndpoints
{
    private const string WhatsAppPrefix = "whatsapp:";

    public static RouteGroupBuilder MapSms(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/sms", HandleAsync)
            .LimitPerPatient("From")
            .WithName("TwilioMessage")
            .WithSummary("Incoming SMS or WhatsApp message; answers TwiML <Message>.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        HttpRequest request, ConversationRunner runner, PatientTexts texts, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Expected a form POST from Twilio.");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        var from = form["From"].ToString();
        var messageSid = form["MessageSid"].ToString() is { Length: > 0 } sid ? sid : form["SmsSid"].ToString();
        var channel = from.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? Channel.WhatsApp : Channel.Sms;
        var address = channel == Channel.WhatsApp ? from[WhatsAppPrefix.Length..] : from;
        if (address.Length is 0 or > PatientDirectory.MaxAddressLength || messageSid.Length is 0 or > 64)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "From and MessageSid are required (From up to 32 characters, MessageSid up to 64).");
        }
        // A WhatsApp voice note (or an MMS audio clip) is a spoken comment.
        InboundAudio? audio = null;
        if (form["MediaContentType0"].ToString() is { } mediaType && mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)
            && form["MediaUrl0"].ToString() is { Length: > 0 } mediaUrl && RecordingRows.IsAudioUrl(mediaUrl))
        {
            audio = new InboundAudio(messageSid, mediaUrl, mediaType);
        }
        var inbound = new Inbound(
            channel,
            address,
            StripPrefix(form["To"].ToString()),
            form["Body"].ToString(),
            messageSid,
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
            response.Message(string.Join('\n', reply.Prompts.Select(p => texts.Get(p.Key, reply.Language, [.. p.Args]))));
        }
        return response;
    }

    private static string StripPrefix(string address) =>
        address.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? address[WhatsAppPrefix.Length..] : address;
}

using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// Twilio's "a message comes in" form, SMS and WhatsApp alike (WhatsApp addresses arrive as
/// <c>whatsapp:+237…</c>): the sender and recipient without that prefix, the text, the first media item.
/// </summary>
public sealed record IncomingMessage(
    bool IsWhatsApp, string From, string To, string Body, string MessageSid, int NumMedia, string MediaUrl0, string MediaContentType0)
{
    public const string WhatsAppPrefix = "whatsapp:";

    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public const string Required = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).";

    public const string NotAMediaUrl = "MediaUrl0 must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).";

    public static ValueTask<IncomingMessage> BindAsync(HttpContext context) =>
        WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused, context));

    private static IncomingMessage Parse(SingleValues form, ProblemHttpResult? refused, HttpContext context)
    {
        var from = form["From"];
        var isWhatsApp = from.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase);
        var address = isWhatsApp ? from[WhatsAppPrefix.Length..] : from;
        // Older accounts still send SmsSid alone.
        var messageSid = form["MessageSid"] is { Length: > 0 } sid ? sid : form["SmsSid"];
        var mediaUrl = form["MediaUrl0"];
        return new IncomingMessage(
            isWhatsApp,
            address,
            WithoutPrefix(form["To"]),
            form["Body"],
            messageSid,
            int.TryParse(form["NumMedia"], CultureInfo.InvariantCulture, out var media) ? media : 0,
            mediaUrl,
            form["MediaContentType0"])
        {
            Problem = refused ?? form.Problem
                ?? (address.Length is 0 or > PatientDirectory.MaxAddressLength || !TwilioFormats.IsMessageSid(messageSid) ? WebhookForm.BadRequest(Required)
                // Media is fetched with the account's credentials: only from Twilio's API host.
                : mediaUrl.Length > 0 && !TwilioFormats.IsApiUrl(mediaUrl, TwilioFormats.ApiBase(context)) ? WebhookForm.BadRequest(NotAMediaUrl)
                : null),
        };
    }

    private static string WithoutPrefix(string address) =>
        address.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? address[WhatsAppPrefix.Length..] : address;
}

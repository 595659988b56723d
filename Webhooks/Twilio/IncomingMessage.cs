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

    public static ValueTask<IncomingMessage> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, Parse);

    private static IncomingMessage Parse(IFormCollection form, ProblemHttpResult? refused)
    {
        var from = form["From"].ToString();
        var isWhatsApp = from.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase);
        var address = isWhatsApp ? from[WhatsAppPrefix.Length..] : from;
        // Older accounts still send SmsSid alone.
        var messageSid = form["MessageSid"].ToString() is { Length: > 0 } sid ? sid : form["SmsSid"].ToString();
        return new IncomingMessage(
            isWhatsApp,
            address,
            WithoutPrefix(form["To"].ToString()),
            form["Body"].ToString(),
            messageSid,
            int.TryParse(form["NumMedia"], CultureInfo.InvariantCulture, out var media) ? media : 0,
            form["MediaUrl0"].ToString(),
            form["MediaContentType0"].ToString())
        {
            Problem = refused ?? (address.Length is 0 or > PatientDirectory.MaxAddressLength || messageSid.Length is 0 or > 64
                ? WebhookForm.BadRequest("From and MessageSid are required (From up to 32 characters, MessageSid up to 64).")
                : null),
        };
    }

    private static string WithoutPrefix(string address) =>
        address.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? address[WhatsAppPrefix.Length..] : address;
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's message status callback: <c>MessageStatus</c> (sent, delivered, failed, …) of the message <c>MessageSid</c>.</summary>
public sealed record MessageStatusCallback(string MessageSid, string MessageStatus, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<MessageStatusCallback> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, Parse);

    private static MessageStatusCallback Parse(IFormCollection form, ProblemHttpResult? refused)
    {
        var (sid, status) = (form["MessageSid"].ToString(), form["MessageStatus"].ToString());
        return new MessageStatusCallback(sid, status, form["ErrorCode"].ToString())
        {
            Problem = refused ?? (sid.Length == 0 || status.Length == 0 ? WebhookForm.BadRequest("MessageSid and MessageStatus are required.") : null),
        };
    }
}

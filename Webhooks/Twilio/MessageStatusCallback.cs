using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's message status callback: <c>MessageStatus</c> (sent, delivered, failed, …) of the message <c>MessageSid</c>.</summary>
public sealed record MessageStatusCallback(string MessageSid, string MessageStatus, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public const string Required = "MessageSid (SM or MM and 32 hex digits) and MessageStatus are required.";

    public static ValueTask<MessageStatusCallback> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused));

    private static MessageStatusCallback Parse(SingleValues form, ProblemHttpResult? refused)
    {
        var (sid, status) = (form["MessageSid"], form["MessageStatus"]);
        return new MessageStatusCallback(sid, status, form["ErrorCode"])
        {
            Problem = refused ?? form.Problem ?? (!TwilioFormats.IsMessageSid(sid) || status.Length == 0 ? WebhookForm.BadRequest(Required) : null),
        };
    }
}

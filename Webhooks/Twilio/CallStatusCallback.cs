using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's call status callback: <c>CallStatus</c> (completed, busy, no-answer, …) of the call <c>CallSid</c>.</summary>
public sealed record CallStatusCallback(string CallSid, string CallStatus, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<CallStatusCallback> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, Parse);

    private static CallStatusCallback Parse(IFormCollection form, ProblemHttpResult? refused)
    {
        var (sid, status) = (form["CallSid"].ToString(), form["CallStatus"].ToString());
        return new CallStatusCallback(sid, status, form["ErrorCode"].ToString())
        {
            Problem = refused ?? (sid.Length == 0 || status.Length == 0 ? WebhookForm.BadRequest("CallSid and CallStatus are required.") : null),
        };
    }
}

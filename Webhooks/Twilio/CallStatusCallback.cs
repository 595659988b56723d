using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's call status callback: <c>CallStatus</c> (completed, busy, no-answer, …) of the call <c>CallSid</c>.</summary>
public sealed record CallStatusCallback(string CallSid, string CallStatus, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public const string Required = "CallSid (CA and 32 hex digits) and CallStatus are required.";

    public static ValueTask<CallStatusCallback> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused));

    private static CallStatusCallback Parse(SingleValues form, ProblemHttpResult? refused)
    {
        var (sid, status) = (form["CallSid"], form["CallStatus"]);
        return new CallStatusCallback(sid, status, form["ErrorCode"])
        {
            Problem = refused ?? form.Problem ?? (!TwilioFormats.IsSid(sid, TwilioFormats.Call) || status.Length == 0 ? WebhookForm.BadRequest(Required) : null),
        };
    }
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's <c>recordingStatusCallback</c>: a recording is ready (with the URL it is fetched from), absent or failed.</summary>
public sealed record RecordingStatusCallback(string RecordingSid, string RecordingStatus, string RecordingUrl, string CallSid, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public const string Required = "RecordingSid (RE and 32 hex digits) and RecordingStatus are required; CallSid, when given, is CA and 32 hex digits.";

    public const string NotARecordingUrl = "RecordingUrl must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).";

    public static ValueTask<RecordingStatusCallback> BindAsync(HttpContext context) =>
        WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused, context));

    private static RecordingStatusCallback Parse(SingleValues form, ProblemHttpResult? refused, HttpContext context)
    {
        var (sid, status, url, callSid) = (form["RecordingSid"], form["RecordingStatus"], form["RecordingUrl"], form["CallSid"]);
        return new RecordingStatusCallback(sid, status, url, callSid, form["ErrorCode"])
        {
            Problem = refused ?? form.Problem
                ?? (!TwilioFormats.IsSid(sid, TwilioFormats.Recording) || status.Length == 0 || (callSid.Length > 0 && !TwilioFormats.IsSid(callSid, TwilioFormats.Call))
                    ? WebhookForm.BadRequest(Required)
                // Credentials go with the fetch: only a URL on Twilio's API host is kept.
                : (status == "completed" || url.Length > 0) && !TwilioFormats.IsApiUrl(url, TwilioFormats.ApiBase(context))
                    ? WebhookForm.BadRequest(NotARecordingUrl)
                : null),
        };
    }
}
